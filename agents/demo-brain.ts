/**
 * The offline demo's "model": a deterministic script that plays every role plausibly, so the
 * CLI and `langgraph dev` show a whole run (routing, tool calls, approvals, an answer) with no
 * model configured. It is a scripted model and every caller says so; it reasons about nothing.
 *
 * It recognises its role from what it is given: a routing function (a `next` enum), a planning
 * function (a `tasks` array), a summarization request, or a specialist with tools. Canned, but
 * its story follows the goal: research searches the knowledge base with the goal's words,
 * analysis computes only with numbers the goal gives, and the note quotes what was found.
 */
import { isAIMessage, type BaseMessage } from "@langchain/core/messages";
import { messageText } from "../lib/tokens.js";
import { sampleFromSchema, type JsonSchema } from "../lib/scripted/schema-samples.js";
import type { ScriptContext, ScriptedReply } from "../lib/scripted/scripted-chat-model.js";

/** Marks the demo's answers so nobody mistakes them for a model's. */
export const DEMO_PREFIX = "[offline demo]";

/** The demo script: answers any call of any agent or graph. */
export function demoBrain(context: ScriptContext): ScriptedReply {
  const { messages, tools } = context;
  // A structured-output call binds one function (route, plan); an agent's tools are not one.
  const single = tools.length === 1 ? tools[0] : undefined;
  const singleProps = (single?.parameters.properties ?? {}) as Record<string, JsonSchema>;
  const fn = tools.find((tool) => tool.name === context.forcedTool) ?? (singleProps.next || singleProps.tasks ? single : undefined);
  const structured = fn?.name;
  const properties = (fn?.parameters.properties ?? {}) as Record<string, JsonSchema>;
  const goal = goalOf(firstHuman(messages));
  if (fn && properties.next) return { structured: route(properties.next, messages, goal) };
  if (fn && properties.tasks) return { structured: plan(properties.tasks, goal) };
  if (messageText(messages[0] ?? ({} as BaseMessage)).startsWith("Summarize")) return `${DEMO_PREFIX} Earlier steps, in brief: ${clip(goal, 200)}`;
  const request = messages.slice(1).map(messageText).join("\n");
  if (request.includes("Sub-task results:")) return `${DEMO_PREFIX} Answer to "${clip(goal, 160)}":\n${findingsOf(request) || "(no results)"}`;
  const results = messages.filter((message) => message.getType() === "tool");
  // http_fetch cannot reach anything offline, and there is nothing to compute without numbers: the demo does not pretend.
  const numbers = numbersIn(goal).length > 0;
  const usable = tools.filter((tool) => tool.name !== structured && tool.name !== "http_fetch" && (numbers || !COMPUTING.has(tool.name)));
  if (results.length === 0 && usable.length > 0) {
    const tool = pickDemoTool(usable, goal);
    return { content: "", toolCalls: [{ name: tool.name, args: demoArgs(tool.name, tool.parameters, goal, foundSoFar(firstHuman(messages))) }] };
  }
  if (results.length === 0 && tools.some((tool) => COMPUTING.has(tool.name))) return `${DEMO_PREFIX} The goal gives no numbers, so there is nothing to compute.`;
  const last = results.at(-1);
  const basis = last ? ` Using ${last.name ?? "a tool"}, I found: ${clip(messageText(last), 240)}` : "";
  return `${DEMO_PREFIX} Done: ${clip(goal, 160).replace(/\.+$/, "")}.${basis}`;
}

const COMPUTING = new Set(["calculator", "run_javascript"]);

function route(nextSchema: JsonSchema, messages: BaseMessage[], goal: string): Record<string, unknown> {
  const options = ((nextSchema.enum ?? []) as string[]).filter((option) => option !== "finish");
  // Only this run's work log counts: past runs and earlier turns may name specialists too.
  const log = workSoFar(messages.slice(1).map(messageText).join("\n"));
  const done = new Set(options.filter((option) => log.includes(`- [${option}] (`)));
  // Operators act on the world: the demo only involves one when the goal asks for it.
  const wanted = options.filter((option) => option !== "operator" || /webhook|notify|send|post/i.test(goal));
  const next = wanted.find((option) => !done.has(option));
  if (next === undefined) {
    const findings = findingsOf(log);
    return { next: "finish", task: "", answer: `${DEMO_PREFIX} Answer to "${clip(goal, 160)}":\n${findings || "(no specialist results)"}` };
  }
  const found = findingsOf(log);
  return { next, task: `${clip(goal, 300)}${BRIEF_SUFFIX(next)}${found ? `\n${FOUND_HEADING}\n${found}` : ""}`, answer: "" };
}

const BRIEF_SUFFIX = (agent: string) => ` — do the ${agent}'s part and report what you found.`;
const FOUND_HEADING = "Found so far:";

/** The "Work so far" section of a supervisor's request (the whole text when it has none). */
function workSoFar(request: string): string {
  const at = request.indexOf("Work so far:\n");
  if (at < 0) return request;
  const section = request.slice(at + "Work so far:\n".length);
  const end = section.indexOf("\n\n");
  return end < 0 ? section : section.slice(0, end);
}

/** What the brief says earlier specialists found (empty when nothing). */
function foundSoFar(brief: string): string {
  const at = brief.indexOf(`\n${FOUND_HEADING}\n`);
  return at < 0 ? "" : brief.slice(at + FOUND_HEADING.length + 2).trim();
}

/** The work-log lines of a supervisor's or planner's request, one short line per result. */
function findingsOf(log: string): string {
  return [...log.matchAll(/^- \[(\w+)\] \((\w+)\) Task: .*\n {2}Result: (.*)$/gm)]
    .map(([, agent, status, result]) => `- ${agent} (${status}): ${clip(result ?? "", 300)}`)
    .join("\n");
}

function plan(tasksSchema: JsonSchema, goal: string): Record<string, unknown> {
  const itemProps = ((tasksSchema.items as JsonSchema | undefined)?.properties ?? {}) as Record<string, JsonSchema>;
  const agents = ((itemProps.agent?.enum ?? []) as string[]).filter((agent) => agent !== "operator");
  const [first = "researcher", second = first, third = second] = agents;
  return {
    tasks: [
      { id: "gather", agent: first, task: `Gather facts for: ${clip(goal, 200)}`, dependsOn: [] },
      { id: "compute", agent: second, task: `Work out the numbers for: ${clip(goal, 200)}`, dependsOn: [] },
      { id: "write", agent: third, task: `Write up the findings for: ${clip(goal, 200)}`, dependsOn: ["gather", "compute"] },
    ],
  };
}

/** The tool a goal most plausibly asks for (by keywords), else search, else the first. */
function pickDemoTool<T extends { name: string }>(tools: T[], goal: string): T {
  const wants: [RegExp, string][] = [
    [/webhook|notify|send|post/i, "send_webhook"],
    [/file|save|report|write/i, "write_file"],
    [/\d|comput|calculat|sum|average|percent/i, "calculator"],
    [/script|code|javascript|program/i, "run_javascript"],
  ];
  for (const [pattern, name] of wants) {
    const tool = tools.find((t) => t.name === name);
    if (tool && pattern.test(goal)) return tool;
  }
  return tools.find((t) => t.name === "search_knowledge") ?? tools.find((t) => t.name === "web_search") ?? tools[0]!;
}

function demoArgs(tool: string, schema: Record<string, unknown>, goal: string, found: string): Record<string, unknown> {
  switch (tool) {
    case "calculator": {
      const numbers = numbersIn(goal);
      return { expression: numbers.length > 1 ? `${numbers[0]} ${operatorBetween(goal)} ${numbers[1]}` : numbers[0]! };
    }
    case "run_javascript":
      return { code: `[${numbersIn(goal).join(",")}].reduce((a, b) => a + b, 0)` };
    case "write_file":
      return { path: "note.md", content: `# Note\n\nGoal: ${goal}\n\n## What was found\n\n${found ? found.split("\n").map((line) => `> ${line}`).join("\n") : "(nothing was found before this note)"}\n` };
    case "send_webhook":
      return { url: "https://hooks.example.com/switchboard", payload: { text: clip(goal, 200) } };
    case "search_knowledge":
    case "web_search":
      return { ...(sampleFromSchema(schema, { text: clip(goal, 120) }) as Record<string, unknown>), query: clip(goal, 200) };
    case "http_fetch":
      return { url: "https://example.com/" };
    default:
      return sampleFromSchema(schema, { text: clip(goal, 120) }) as Record<string, unknown>;
  }
}

function numbersIn(text: string): string[] {
  return text.match(/\d+(?:\.\d+)?/g) ?? [];
}

const OPERATOR_WORDS: Record<string, string> = { "*": "*", "×": "*", x: "*", times: "*", "+": "+", plus: "+", minus: "-", "/": "/", "÷": "/", "divided by": "/" };

/** The arithmetic the goal writes between its first two numbers ("17 * 23", "6 plus 7"); otherwise a ratio ("compare …"). */
function operatorBetween(goal: string): string {
  const match = /\d(?:\.\d+)?\s*(\*|×|x|times|\+|plus|minus|\/|÷|divided by)\s*\d/i.exec(goal);
  return match ? OPERATOR_WORDS[match[1]!.toLowerCase()]! : "/";
}

/** The goal line of a supervisor's or planner's request, or the goal part of a task brief. */
function goalOf(text: string): string {
  const match = /^Goal: (.*?)(?:\n\n|$)/s.exec(text);
  if (match) return match[1]!.trim();
  const brief = / — do the \w+'s part and report what you found\./.exec(text);
  return brief ? text.slice(0, brief.index).trim() : text;
}

function firstHuman(messages: BaseMessage[]): string {
  const human = messages.find((message) => message.getType() === "human" && !isAIMessage(message));
  return human ? messageText(human) : "";
}

function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max)}…`;
}
