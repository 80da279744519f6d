/**
 * Command-line arguments of `npm start`: parsed with Node's own `parseArgs`, checked, and
 * explained when wrong.
 */
import { parseArgs } from "node:util";
import { InvalidInputError } from "../lib/errors.js";
import type { RunLimits } from "../agents/index.js";

/** Who answers a run's approval requests: the human (`ask`), or a standing answer given with --approve / --reject. */
export type ApprovalPolicy = "ask" | "approve" | "reject";

/** What the user asked for. */
export interface CliOptions {
  goal: string | undefined;
  /** The graph asked for; undefined = the thread's own graph, or the default for a new thread. */
  graph: string | undefined;
  thread: string | undefined;
  resume: boolean;
  help: boolean;
  list: boolean;
  /** List the tools each configured MCP server / OpenAPI service offers and the agents that get them. */
  mcpTools: boolean;
  /** Print the recorded trace of this run id, or of every run of this thread, instead of running. */
  trace: string | undefined;
  /** Print this graph as a Mermaid diagram instead of running. */
  draw: string | undefined;
  /** How approvals are answered: asked at the terminal, or by a policy the user chose for this run. */
  approvals: ApprovalPolicy;
  limits: RunLimits;
}

/** The usage text. */
export function usage(graphs: readonly { id: string; description: string }[], defaultGraph: string): string {
  return `Usage: npm start -- [options] "goal"

Runs a goal through a Switchboard graph, streaming progress and asking you to approve side effects.

Options:
  --graph <id>          graph to run (default ${defaultGraph}; a known thread keeps its own): ${graphs.map((g) => g.id).join(", ")}
  --thread <id>         thread to run on (default: a new one); a thread keeps the conversation
  --resume              continue the run paused on --thread (approvals, loop questions, a crash)
  --approve             approve every side effect that needs approval in this run (policies that deny still deny)
  --reject              reject every side effect that needs approval in this run (for scripts and CI)
  --max-tokens <n>      token budget of the run
  --max-cost <usd>      cost budget of the run, in US dollars (prices in lib/prices.ts)
  --max-tool-calls <n>  tool-call budget of the run
  --max-duration <s>    wall-clock limit of the run, in seconds (sub-agents share it; paused time counts)
  --trace <run id>      print the recorded trace of a run (steps, prompts, tools, tokens, cost)
  --trace <thread id>   print the traces of every run of a thread, in order

When input is not a terminal (a script, CI, a pipe), a loop ends the run as loop_detected and an
approval reads its answer from the input; with none it pauses (exit 3) and says how to resume.
  --draw <id>           print a graph as a Mermaid diagram (paste it into Markdown: GitHub renders it)
  --list                list the graphs
  --mcp-tools           list the tools each configured MCP server and OpenAPI service offers, and
                        which agents get them (config: SWITCHBOARD_MCP_CONFIG, default ./mcp.json)
  -h, --help            show this help

Graphs:
${graphs.map((g) => `  ${g.id.padEnd(14)}${g.description}`).join("\n")}
`;
}

function positiveNumber(name: string, value: string | undefined, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0 || (integer && !Number.isInteger(parsed))) {
    throw new InvalidInputError(`--${name} must be a positive ${integer ? "whole number" : "number"}, got '${value}'.`);
  }
  return parsed;
}

function secondsToMs(seconds: number | undefined): number | undefined {
  return seconds === undefined ? undefined : Math.ceil(seconds * 1_000);
}

/** Parses `argv` (without node and script); throws InvalidInputError with what to change. */
export function parseCliArgs(argv: readonly string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        graph: { type: "string" },
        thread: { type: "string" },
        resume: { type: "boolean", default: false },
        approve: { type: "boolean", default: false },
        reject: { type: "boolean", default: false },
        "max-tokens": { type: "string" },
        "max-cost": { type: "string" },
        "max-tool-calls": { type: "string" },
        "max-duration": { type: "string" },
        list: { type: "boolean", default: false },
        "mcp-tools": { type: "boolean", default: false },
        trace: { type: "string" },
        draw: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    throw new InvalidInputError(`${(error as Error).message}. Run with --help for the options.`);
  }
  const { values, positionals } = parsed;
  const goal = positionals.join(" ").trim() || undefined;
  const options: CliOptions = {
    goal,
    graph: values.graph,
    thread: values.thread,
    resume: values.resume,
    help: values.help,
    list: values.list,
    mcpTools: values["mcp-tools"],
    trace: values.trace,
    draw: values.draw,
    approvals: values.approve ? "approve" : values.reject ? "reject" : "ask",
    limits: Object.fromEntries(
      Object.entries({
        maxTokens: positiveNumber("max-tokens", values["max-tokens"], true),
        maxCostUsd: positiveNumber("max-cost", values["max-cost"], false),
        maxToolCalls: positiveNumber("max-tool-calls", values["max-tool-calls"], true),
        maxDurationMs: secondsToMs(positiveNumber("max-duration", values["max-duration"], false)),
      }).filter(([, value]) => value !== undefined),
    ),
  };
  if (options.help || options.list || options.mcpTools || options.draw !== undefined) return options;
  if (values.approve && values.reject) throw new InvalidInputError("--approve and --reject contradict each other; give one of them (or neither, to be asked).");
  if (options.trace !== undefined) {
    if (!options.trace.trim() || goal || options.resume) throw new InvalidInputError("--trace takes a run id and nothing else, e.g. npm start -- --trace 1f0c…; run ids are printed at the end of each run.");
    return options;
  }
  if (options.resume && !options.thread) throw new InvalidInputError("--resume needs --thread <id>: the thread whose run to continue.");
  if (options.resume && goal) throw new InvalidInputError("--resume continues a paused run; give no goal with it (send a follow-up with --thread <id> \"goal\").");
  if (!options.resume && !goal) throw new InvalidInputError('Give a goal, e.g. npm start -- "Compare the populations of Paris and Berlin". Run with --help for the options.');
  return options;
}
