/**
 * Event order under load, across processes: many runs of the `agent` graph at once (the real
 * ChatOpenAI client streaming tokens from the stub over HTTP, tracing on), each created and
 * streamed through one of TWO server processes with a mix of stream modes, joined from its start
 * through the other process, and resumed with Last-Event-ID through the other process after it
 * ended. Every reader must see the run's events in the order the run produced them: ids 0, 1,
 * 2, … (N+1, … after Last-Event-ID N) and no token of a message after the message was complete.
 */
import { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reply, type OpenAIStub, type RecordedRequest } from "../support/openai-stub.js";
import { startOpenAIStub } from "../support/openai-stub.js";
import { testRedisUrl, uniquePrefix } from "../support/redis.js";
import { startSwitchboard, startedInto, type SwitchboardProcess } from "../support/scale-harness.js";
import { cleanQueuePrefix } from "../support/scale.js";
import { checkRunOrder, inOrder, type OrderReport, type StreamedEvent } from "../support/stream-order.js";

const RUNS = 16;
const MODES: string[][] = [
  ["values", "messages", "updates"],
  ["messages", "values"],
  ["updates", "messages", "values"],
  ["values", "messages-tuple", "messages", "updates"],
];

/** The agent asks the calculator once, then answers in a sentence long enough to stream in parts. */
function agentScript(request: RecordedRequest) {
  const messages = request.body.messages as { role: string; content: string | null }[];
  const job = /job-\d+/.exec(JSON.stringify(messages))?.[0] ?? "job-?";
  if (messages.at(-1)?.role === "tool") return reply.text(`The answer for ${job} is 42, computed with the calculator just now.`);
  return reply.toolCall("calculator", { expression: "6*7" });
}

async function collect(stream: AsyncIterable<StreamedEvent>): Promise<StreamedEvent[]> {
  const events: StreamedEvent[] = [];
  for await (const event of stream) events.push({ id: event.id, event: event.event, data: event.data });
  return events;
}

describe("run event order with concurrent mixed-mode streams on two server processes", () => {
  const prefix = uniquePrefix("order");
  let stub: OpenAIStub;
  const servers: SwitchboardProcess[] = [];
  const clients: Client[] = [];

  beforeAll(async () => {
    stub = await startOpenAIStub();
    stub.onRequest((request) => ({ ...agentScript(request), delayMs: 20 }));
    const env = {
      REDIS_URL: testRedisUrl(),
      REDIS_KEY_PREFIX: prefix,
      OPENAI_API_KEY: "test",
      OPENAI_BASE_URL: stub.url,
      OPENAI_MODEL: "stub-model",
      WORKER_CONCURRENCY: "4",
      WORKSPACE_DIR: "./workspace/test-order",
    };
    await startedInto(servers, [startSwitchboard("serve", env), startSwitchboard("serve", env)]);
    clients.push(...servers.map((server) => new Client({ apiUrl: server.url! })));
  }, 240_000);

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop("SIGKILL")));
    await stub?.close();
    await cleanQueuePrefix(prefix);
  });

  it("every reader gets every run's events in production order, by id and by content", async () => {
    const runs = await Promise.all(
      Array.from({ length: RUNS }, async (_, index) => {
        const [here, there] = index % 2 === 0 ? [clients[0]!, clients[1]!] : [clients[1]!, clients[0]!];
        const thread = await here.threads.create();
        let joined: Promise<StreamedEvent[]> | undefined;
        const created = collect(
          here.runs.stream(thread.thread_id, "agent", {
            input: { messages: [{ role: "user", content: `Compute 6*7 for job-${index}.` }] },
            streamMode: MODES[index % MODES.length] as never,
            onRunCreated: ({ run_id }) => void (joined = collect(there.runs.joinStream(thread.thread_id, run_id))),
          }) as AsyncIterable<StreamedEvent>,
        );
        const creatorEvents = await created;
        const joinerEvents = await joined!;
        const runId = (creatorEvents[0]?.data as { run_id?: string } | undefined)?.run_id ?? "";
        // After the run: resume through the other process from the middle of the stream.
        const middle = Math.floor(creatorEvents.length / 2);
        const resumed = await collect(there.runs.joinStream(thread.thread_id, runId, { lastEventId: String(middle) }) as AsyncIterable<StreamedEvent>);
        return { creatorEvents, joinerEvents, resumed, middle };
      }),
    );

    const reports: { reader: string; report: OrderReport }[] = [];
    runs.forEach((run, index) => {
      reports.push({ reader: `run ${index} creator`, report: checkRunOrder(run.creatorEvents) });
      reports.push({ reader: `run ${index} joiner`, report: checkRunOrder(run.joinerEvents) });
      reports.push({ reader: `run ${index} resumed`, report: checkRunOrder(run.resumed, run.middle + 1) });
    });
    const misordered = reports.filter(({ report }) => !inOrder(report));
    const events = reports.reduce((sum, { report }) => sum + report.events, 0);
    console.log(`stream order: runs=${RUNS} streams=${reports.length} events=${events} misordered=${misordered.length}`);
    expect(misordered.map(({ reader, report }) => ({ reader, ...report, idProblems: report.idProblems.slice(0, 3) }))).toEqual([]);

    for (const [index, run] of runs.entries()) {
      // The same events in the same order, whichever process a reader used.
      const shape = (events: StreamedEvent[]) => events.map((event) => `${event.id} ${event.event}`);
      expect(shape(run.joinerEvents), `run ${index}`).toEqual(shape(run.creatorEvents));
      expect(shape(run.resumed), `run ${index}`).toEqual(shape(run.creatorEvents.slice(run.middle + 1)));
      expect(run.creatorEvents[0]).toMatchObject({ id: "0", event: "metadata", data: { attempt: 1 } });
      expect(run.creatorEvents.some((event) => event.event === "messages/partial")).toBe(true);
    }
  }, 300_000);
});
