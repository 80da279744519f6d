/**
 * Script functions for fuzzing: a model that answers with random but schema-valid choices
 * (any bound tool, any valid arguments, any route), and one that answers with malformed tool
 * calls (broken JSON, unknown tools, wrong arguments, empty replies). Seeded, so a failing run
 * can be replayed.
 */
import type { ScriptContext, ScriptedReply, ScriptFunction } from "./scripted-chat-model.js";
import { sampleFromSchema, seededRandom, type Random } from "./schema-samples.js";

/** Options of the random model. */
export interface RandomModelOptions {
  /** Probability of a plain text answer when tools are bound (default 0.3). */
  answerRate?: number;
  /** Most tool calls in one reply (default 3). */
  maxCalls?: number;
}

const structuredFunction = (context: ScriptContext) => {
  if (context.forcedTool) return context.tools.find((tool) => tool.name === context.forcedTool);
  const only = context.tools.length === 1 ? context.tools[0] : undefined;
  const properties = (only?.parameters.properties ?? {}) as Record<string, unknown>;
  return only && ("next" in properties || "tasks" in properties) ? only : undefined;
};

const words = (random: Random, count: number) =>
  Array.from({ length: count }, () => ["alpha", "beta", "paris", "42", "report", "why", "compare"][Math.floor(random() * 7)]).join(" ");

/** Random but schema-valid replies: routes, plans, tool calls with valid arguments, answers. */
export function randomReplies(seed: number, options: RandomModelOptions = {}): ScriptFunction {
  const random = seededRandom(seed);
  const answerRate = options.answerRate ?? 0.3;
  const maxCalls = options.maxCalls ?? 3;
  return (context) => {
    const fn = structuredFunction(context);
    if (fn) return { structured: sampleFromSchema(fn.parameters, { random }) as Record<string, unknown> };
    if (context.tools.length === 0 || random() < answerRate) return `answer ${words(random, 1 + Math.floor(random() * 8))}`;
    const count = 1 + Math.floor(random() * maxCalls);
    return {
      content: random() < 0.3 ? words(random, 3) : "",
      toolCalls: Array.from({ length: count }, () => {
        const tool = context.tools[Math.floor(random() * context.tools.length)]!;
        return { name: tool.name, args: sampleFromSchema(tool.parameters, { random }) as Record<string, unknown> };
      }),
    };
  };
}

/**
 * Malformed replies: broken JSON arguments, unknown tools, arguments that break the schema,
 * empty replies. Routing and planning calls are malformed a third of the time and valid
 * otherwise, so the specialists behind them get their share of malformed calls too.
 */
export function malformedReplies(seed: number): ScriptFunction {
  const random = seededRandom(seed);
  const valid = randomReplies(seed + 1);
  return (context): ScriptedReply | Promise<ScriptedReply> => {
    const fn = structuredFunction(context);
    if (fn && random() >= 1 / 3) return valid(context);
    const tool = context.tools[Math.floor(random() * Math.max(1, context.tools.length))];
    switch (Math.floor(random() * 5)) {
      case 0:
        return { invalidToolCalls: [{ name: fn?.name ?? tool?.name ?? "anything", args: '{"broken": ' }] };
      case 1:
        return { toolCalls: [{ name: "no_such_tool", args: { x: 1 } }] };
      case 2:
        return fn ? { structured: { unexpected: true, next: 12 } } : { toolCalls: [{ name: tool?.name ?? "calculator", args: { wrong_field: [1, 2, 3] } }] };
      case 3:
        return "";
      default:
        return fn ? "I will not use your function." : `plain answer ${words(random, 2)}`;
    }
  };
}
