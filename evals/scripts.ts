/**
 * The scripted models of the offline eval: the demo's brain, and the misbehaving models rail
 * cases pin, so the rails are tested on cue with no model configured (and on any configuration).
 * Each case gets fresh models: a script that counts calls must not see another case's.
 */
import { ScriptedChatModel, type ScriptContext, type ScriptedReply } from "../lib/scripted/scripted-chat-model.js";
import { UpstreamUnavailableError } from "../lib/errors.js";
import { demoBrain } from "../agents/demo-brain.js";
import type { ModelProvider } from "../agents/index.js";
import type { SCRIPTS } from "./case.js";

/** The name of a pinned script. */
export type ScriptName = (typeof SCRIPTS)[number];

/** A model provider answering every agent from the named script (one model shared by the run's agents). */
export function scriptedModels(script: ScriptName): ModelProvider {
  const model = new ScriptedChatModel({ respond: SCRIPT_FUNCTIONS[script], modelName: `scripted-${script}`, recordCalls: false });
  return () => model;
}

const SCRIPT_FUNCTIONS: Record<ScriptName, (context: ScriptContext) => ScriptedReply> = {
  demo: demoBrain,
  loop: loopingBrain,
  flaky: flakyBrain,
};

/** Routes and plans like the demo, but an agent with tools repeats one identical tool call forever. */
function loopingBrain(context: ScriptContext): ScriptedReply {
  const reply = demoBrain(context);
  if (typeof reply === "object" && !(reply instanceof Error) && "structured" in reply && reply.structured) return reply;
  const tool = context.tools.find((candidate) => candidate.name === "calculator") ?? context.tools.find((candidate) => candidate.name === "search_knowledge");
  if (!tool) return reply;
  const args = tool.name === "calculator" ? { expression: "2 + 2" } : { query: "the same thing again", k: 1 };
  return { content: "", toolCalls: [{ name: tool.name, args }] };
}

/** Answers like the demo after its first call, then fails every call as an overloaded upstream (HTTP 429). */
function flakyBrain(context: ScriptContext): ScriptedReply {
  if (context.callIndex < 1) return demoBrain(context);
  return new UpstreamUnavailableError("model", "chat completion", "429 Too Many Requests (scripted flaky model: the upstream keeps refusing)", { retryAfterSeconds: 1 });
}
