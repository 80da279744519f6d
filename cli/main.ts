/**
 * `npm start -- "goal"`: runs a goal through a registered graph from the terminal. With no
 * model configured it runs the offline demo on a scripted model; with no Redis it keeps
 * checkpoints in memory. It says both plainly.
 */
import { HumanMessage } from "@langchain/core/messages";
import { describeEnvLoad, getEnv, loadEnvSources, type Env } from "../lib/env.js";
import { InvalidInputError, SwitchboardError } from "../lib/errors.js";
import { createLogger } from "../lib/logger.js";
import { isModelConfigured } from "../lib/models.js";
import { withCheckpointMetadata } from "../memory/index.js";
import { flushTraces } from "../tracing/index.js";
import { DEFAULT_GRAPH_ID, GRAPHS, getGraph, openServices, type GraphRegistration } from "../graphs/index.js";
import { parseCliArgs, usage } from "./args.js";
import { terminalAsker, type Asker } from "./prompts.js";
import { processOutput, type Output } from "./render.js";
import { driveRun, reportLines, type RunReport } from "./run.js";
import { traceLinks } from "./tracing.js";
import { showTrace } from "./trace-view.js";
import { listExternalTools } from "./external-tools.js";
import { chooseThreadGraph } from "./threads.js";
import { installLibraryWorkarounds } from "../lib/workarounds.js";

const EXIT_CODES: Record<RunReport["status"], number> = {
  completed: 0,
  rejected: 2,
  budget_exceeded: 2,
  loop_detected: 2,
  failed: 1,
  cancelled: 130,
  paused: 3,
};

/** How long the CLI waits at exit for traces to reach LangSmith. */
const FLUSH_TIMEOUT_MS = 10_000;

/** Where the CLI talks to the human (injected in tests). */
export interface CliIo {
  out?: Output;
  asker?: Asker;
  /** Whether a human answers at a terminal (default: an injected asker, or stdin is a TTY). */
  interactive?: boolean;
}

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: readonly string[], io: CliIo = {}): Promise<number> {
  const out = io.out ?? processOutput();
  let env: Env;
  let options;
  try {
    env = getEnv();
    options = parseCliArgs(argv);
    if (options.help || options.list) {
      out.answer(options.help ? usage(GRAPHS, DEFAULT_GRAPH_ID) : GRAPHS.map((g) => `${g.id}\t${g.description}`).join("\n"));
      return 0;
    }
    if (options.draw !== undefined) {
      out.answer(await drawGraph(getGraph(options.draw)));
      return 0;
    }
    if (options.graph !== undefined) getGraph(options.graph);
  } catch (error) {
    out.info(`switchboard: ${(error as Error).message}`);
    return 64;
  }
  if (options.trace !== undefined) return showTrace(env, options.trace, out);
  if (options.mcpTools) return listExternalTools(env, out);
  // Progress lines already show tool errors; JSON logs on the terminal only for real trouble (or debugging).
  const logger = createLogger({ level: env.LOG_LEVEL === "debug" ? "debug" : "error", name: "cli" });
  const threadId = options.thread ?? crypto.randomUUID();
  // Nobody at a terminal to answer: loops stop the run, approvals read piped answers or pause.
  const interactive = io.interactive ?? (io.asker !== undefined || process.stdin.isTTY === true);
  const services = await openServices(env, { logger, name: "switchboard-cli" });
  const { checkpointer, traceStore: store } = services;
  let registration;
  try {
    const choice = await chooseThreadGraph(
      { saver: checkpointer.saver, durable: checkpointer.durable, threadId },
      { graph: options.graph, resume: options.resume, defaultGraph: DEFAULT_GRAPH_ID },
    );
    registration = getGraph(choice.graphId);
  } catch (error) {
    out.info(`switchboard: ${(error as Error).message}`);
    await services.close();
    return 64;
  }
  out.info(`Switchboard · graph ${registration.id} · thread ${threadId}`);
  if (!isModelConfigured(env)) {
    out.info("! No model is configured (OPENAI_API_KEY / OPENAI_BASE_URL unset): this is the OFFLINE DEMO on a scripted model.");
    out.info("  Its answers are canned, not reasoned. Set OPENAI_API_KEY (or OPENAI_BASE_URL for a local server) for a real model.");
  }
  if (!checkpointer.durable) out.info(`! ${checkpointer.description}; --resume works only within this process.`);
  else out.info(`· ${checkpointer.description}`);
  if (!interactive) out.info(`· Input is not a terminal: a loop ends the run (loop_detected)${options.approvals === "ask" ? "; approvals read answers from the input, or pause" : ""}.`);

  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    out.info("\n(cancelling… press Ctrl-C again to quit at once)");
    controller.abort(new Error("cancelled from the terminal"));
  };
  process.on("SIGINT", onSigint);
  const asker = io.asker ?? terminalAsker();
  try {
    const { deps } = await services.ownGraphs();
    // Every checkpoint names the graph, so a later --resume (in any process) runs the same one.
    const saver = withCheckpointMetadata(checkpointer.saver, { graph_id: registration.id, client: "cli" });
    const graph = registration.createBuilder(deps).compile({ checkpointer: saver, store: services.memory.store });
    const report = await driveRun({
      graph,
      graphId: registration.id,
      threadId,
      input: options.resume ? undefined : { messages: [new HumanMessage(options.goal!)] },
      limits: options.limits,
      asker,
      interactive,
      approvals: options.approvals,
      out,
      signal: controller.signal,
      tracing: (runId) => services.tracing({ runId, threadId, graphId: registration.id, metadata: { client: "cli" } }),
    });
    for (const line of reportLines(report, { threadId, durable: checkpointer.durable })) out.info(line);
    if (report.answer) out.answer(`\n${report.answer}`);
    // Everything queued reaches LangSmith and the trace store before the links are looked up and the process exits.
    const flushed = await flushTraces({ timeoutMs: FLUSH_TIMEOUT_MS });
    if (!flushed) out.info(`! Traces were not all sent within ${FLUSH_TIMEOUT_MS / 1000} s (is LANGSMITH_ENDPOINT reachable?); the local trace is complete.`);
    if (report.runIds.length > 0) out.info(traceHint(store.durable, threadId, report.runIds));
    if (env.LANGSMITH_TRACING && flushed) for (const line of await traceLinks(env, report.runIds)) out.info(line);
    return EXIT_CODES[report.status];
  } catch (error) {
    const known = error instanceof SwitchboardError;
    out.info(`switchboard: ${known ? "" : "unexpected error: "}${(error as Error).message}`);
    if (!known) logger.error({ err: error }, "cli run failed");
    return known && error instanceof InvalidInputError ? 64 : 1;
  } finally {
    process.off("SIGINT", onSigint);
    asker.close();
    // On error paths too: closing flushes what was traced to LangSmith and the trace store.
    await services.close();
  }
}

/** The graph as a Mermaid flowchart, drawn by LangGraph from the compiled graph (sub-agents expanded one level). */
async function drawGraph(registration: GraphRegistration): Promise<string> {
  const compiled = registration.createBuilder().compile() as unknown as { getGraphAsync(options: { xray: number }): Promise<{ drawMermaid(): string }> };
  return (await compiled.getGraphAsync({ xray: 1 })).drawMermaid().trimEnd();
}

/** Where to read the traces of this run: one line, for the whole thread when the run had several segments. */
function traceHint(durable: boolean, threadId: string, runIds: readonly string[]): string {
  if (!durable) return `Traces of this run: kept in memory only (set REDIS_URL to look them up later with --trace)`;
  if (runIds.length === 1) return `Trace: npm start -- --trace ${runIds[0]}`;
  return `Trace: npm start -- --trace ${threadId}   (the thread's runs in order: ${runIds.join(" ")}; one alone: --trace <run id>)`;
}

// Run only as the entry point, so tests can import main().
if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  installLibraryWorkarounds();
  // ./.env under the real environment; said once, so a user knows which settings are in force.
  try {
    const envLoad = loadEnvSources([{ file: ".env" }]);
    if (envLoad.read.length) process.stderr.write(`${describeEnvLoad(envLoad)}\n`);
  } catch (error) {
    process.stderr.write(`switchboard: ${(error as Error).message}\n`);
    process.exit(64);
  }
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`switchboard: ${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
