/**
 * `npx tsx bench/stream-listeners.ts [minutes=10]`: one long run (the streams fixture's ticker,
 * a tick every 200 ms) on a server on Redis, followed by its creator's stream and by a joined
 * stream for `minutes`; every 30 s it prints the abort listeners on each reader's signal and the
 * MaxListenersExceededWarnings so far. A leak shows as a count that grows with the events.
 */
import { getEventListeners } from "node:events";
import { startTestServer } from "../test/support/server.js";

const minutes = Number(process.argv[2] ?? 10);
const CONFIG = new URL("../test/fixtures/streams/langgraph.json", import.meta.url).pathname;
const TICK_MS = 200;

async function main(): Promise<void> {
  const warnings: string[] = [];
  process.on("warning", (warning) => {
    if (warning.name === "MaxListenersExceededWarning") warnings.push(warning.message);
  });
  const server = await startTestServer({ redis: true, configPath: CONFIG });
  const signals: AbortSignal[] = [];
  const events = server.runtime.deps.events;
  const read = events.read.bind(events);
  // Keep each reader's signal to count its listeners from outside.
  events.read = (runId, options) => {
    if (options.signal) signals.push(options.signal);
    return read(runId, options);
  };
  const client = server.client();
  const thread = await client.threads.create();
  const steps = Math.ceil((minutes * 60_000) / TICK_MS);
  let creatorEvents = 0;
  let joinedEvents = 0;
  const creator = (async () => {
    const stream = client.runs.stream(thread.thread_id, "ticker", { input: {}, config: { recursion_limit: steps * 2 + 10, configurable: { steps, delayMs: TICK_MS } }, streamMode: ["values", "updates"] });
    for await (const _part of stream) creatorEvents += 1;
  })();
  let runId: string | undefined;
  while (!runId) {
    runId = (await client.runs.list(thread.thread_id))[0]?.run_id;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const joined = (async () => {
    for await (const _part of client.runs.joinStream(thread.thread_id, runId)) joinedEvents += 1;
  })();
  const started = Date.now();
  const report = () => {
    const counts = signals.map((signal) => getEventListeners(signal, "abort").length);
    process.stdout.write(`${JSON.stringify({ elapsedS: Math.round((Date.now() - started) / 1000), creatorEvents, joinedEvents, readers: signals.length, abortListenersPerReader: counts, maxListenerWarnings: warnings.length })}\n`);
  };
  const timer = setInterval(report, 30_000);
  await Promise.all([creator, joined]);
  clearInterval(timer);
  report();
  await server.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`stream-listeners: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
