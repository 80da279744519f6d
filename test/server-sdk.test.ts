/**
 * The official @langchain/langgraph-sdk Client against the server on a free port, serving a
 * langgraph.json Switchboard does not ship (echo, interrupt() approval, a slow counter), on Redis
 * and in the embedded mode.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "@langchain/langgraph-sdk";
import { FIXTURE_CONFIG, startTestServer, type TestServer } from "./support/server.js";

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of stream) out.push(item);
  return out;
}

for (const mode of ["redis", "embedded"] as const) {
  describe(`server on a foreign langgraph.json (${mode})`, () => {
    let server: TestServer;
    let client: Client;

    beforeAll(async () => {
      server = await startTestServer({ redis: mode === "redis", configPath: FIXTURE_CONFIG });
      client = server.client();
    });
    afterAll(async () => server?.close());

    it("registers one assistant per loadable graph and reports the broken one", async () => {
      const assistants = await client.assistants.search({ limit: 100 });
      expect(assistants.map((assistant) => assistant.graph_id).sort()).toEqual(["approval", "echo", "failing", "slow", "trivial"]);
      expect(server.runtime.warnings.some((warning) => warning.includes("'broken'"))).toBe(true);
      const echo = await client.assistants.get("echo");
      expect(echo.assistant_id).toBe("046b5dc7-2108-582c-9c6c-31d556d138f0");
    });

    it("waits for a thread run and a stateless run", async () => {
      const thread = await client.threads.create();
      const values = (await client.runs.wait(thread.thread_id, "echo", { input: { messages: [{ role: "human", content: "hi" }] } })) as { messages: { content: string }[] };
      expect(values.messages.at(-1)?.content).toBe("echo: hi");
      const stateless = (await client.runs.wait(null, "echo", { input: { messages: [{ role: "human", content: "yo" }] } })) as { echoed: number };
      expect(stateless.echoed).toBe(1);
      const state = await client.threads.getState(thread.thread_id);
      expect((state.values as { echoed: number }).echoed).toBe(1);
      expect((await client.threads.get(thread.thread_id)).status).toBe("idle");
    });

    it("creates a missing thread with if_not_exists=create and keeps a stateless run's thread with on_completion=keep", async () => {
      const threadId = crypto.randomUUID();
      await expect(client.runs.wait(threadId, "echo", { input: { messages: [] } })).rejects.toThrow(/404/);
      await client.runs.wait(threadId, "echo", { input: { messages: [{ role: "human", content: "new" }] }, ifNotExists: "create", metadata: { origin: "sdk" } });
      expect((await client.threads.getState(threadId)).values).toMatchObject({ echoed: 1 });
      expect((await client.threads.get(threadId)).metadata).toMatchObject({ graph_id: "echo", origin: "sdk" });
      let runThread: string | undefined;
      // The SDK's types leave on_completion out of stateless runs; the API (and this server) take it.
      const keep = { input: { messages: [] }, onCompletion: "keep", onRunCreated: (meta: { run_id: string; thread_id?: string }) => void (runThread = meta.thread_id ?? meta.run_id) };
      await client.runs.wait(null, "echo", keep as never);
      expect(runThread).toBeTruthy();
      expect((await client.threads.getState(runThread!)).values).toMatchObject({ echoed: 1 });
    });

    it("streams updates and values with ids, metadata first", async () => {
      const thread = await client.threads.create();
      const chunks = await collect(client.runs.stream(thread.thread_id, "echo", { input: { messages: [{ role: "human", content: "s" }] }, streamMode: ["updates", "values"] }));
      expect(chunks[0]?.event).toBe("metadata");
      expect(chunks.some((chunk) => chunk.event === "updates" && JSON.stringify(chunk.data).includes("echo: s"))).toBe(true);
      expect(chunks.filter((chunk) => chunk.event === "values").length).toBeGreaterThan(0);
    });

    it("pauses at interrupt() and resumes with a Command", async () => {
      const thread = await client.threads.create();
      const paused = (await client.runs.wait(thread.thread_id, "approval", { input: { request: "deploy" } })) as { __interrupt__?: { value: unknown }[] };
      expect(paused.__interrupt__?.[0]?.value).toEqual({ question: "approve deploy?" });
      const pausedThread = await client.threads.get(thread.thread_id);
      expect(pausedThread.status).toBe("interrupted");
      expect(Object.values(pausedThread.interrupts ?? {}).flat().length).toBe(1);
      const done = (await client.runs.wait(thread.thread_id, "approval", { command: { resume: "yes" } })) as { decision: string; log: string[] };
      expect(done.decision).toBe("yes");
      expect(done.log).toEqual(["prepared deploy", "decided yes"]);
      expect((await client.threads.get(thread.thread_id)).status).toBe("idle");
    });

    it("creates a batch of stateless runs (all or none) and joins each", async () => {
      // The SDK's createBatch renames only assistantId; other fields go as the API names them.
      const runs = await client.runs.createBatch([
        { assistantId: "echo", input: { messages: [{ role: "user", content: "one" }] }, on_completion: "keep" } as never,
        { assistantId: "echo", input: { messages: [{ role: "user", content: "two" }] }, on_completion: "keep" } as never,
      ]);
      expect(runs).toHaveLength(2);
      for (const [index, run] of runs.entries()) {
        expect(run.status).toBe("pending");
        const values = (await client.runs.join(run.thread_id, run.run_id)) as { messages: { content: string }[] };
        expect(values.messages.at(-1)?.content).toBe(`echo: ${["one", "two"][index]}`);
      }
      const before = (await client.runs.list(runs[0]!.thread_id)).length;
      // One unknown assistant: nothing of the batch is created.
      const bad = await fetch(`${server.url}/runs/batch`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify([{ assistant_id: "echo" }, { assistant_id: 7 }]) });
      expect(bad.status).toBe(422);
      expect((await client.runs.list(runs[0]!.thread_id)).length).toBe(before);
      const empty = await fetch(`${server.url}/runs/batch`, { method: "POST", headers: { "content-type": "application/json" }, body: "[]" });
      expect(empty.status).toBe(422);
    });

    it("prunes threads by id: only the caller's, counted once", async () => {
      const [a, b] = await Promise.all([client.threads.create(), client.threads.create()]);
      await client.runs.wait(a.thread_id, "echo", { input: { messages: [{ role: "user", content: "hi" }] } });
      const unknown = "00000000-0000-4000-8000-0000000000ff";
      expect(await client.threads.prune([a.thread_id, b.thread_id, a.thread_id, unknown])).toEqual({ pruned_count: 2 });
      await expect(client.threads.get(a.thread_id)).rejects.toThrow(/404/);
      await expect(client.threads.getState(a.thread_id)).rejects.toThrow(/404/);
      const bad = await fetch(`${server.url}/threads/prune`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ thread_ids: ["not-a-uuid"] }) });
      expect(bad.status).toBe(422);
    });

    it("makes an earlier assistant version the current one; the next change still gets a new version number", async () => {
      const created = await client.assistants.create({ graphId: "echo", name: "v-test", metadata: { v: 1 } });
      await client.assistants.update(created.assistant_id, { metadata: { v: 2 } });
      const back = await client.assistants.setLatest(created.assistant_id, 1);
      expect(back.version).toBe(1);
      expect((await client.assistants.get(created.assistant_id)).metadata).toEqual({ v: 1 });
      const next = await client.assistants.update(created.assistant_id, { metadata: { v: 3 } });
      expect(next.version).toBe(3);
      expect((await client.assistants.getVersions(created.assistant_id)).map((version) => version.version)).toEqual([3, 2, 1]);
      await expect(client.assistants.setLatest(created.assistant_id, 9)).rejects.toThrow(/404/);
      // A graph's built-in assistant has versions too (Studio edits it), as on langgraph dev.
      expect((await client.assistants.setLatest("echo", 1)).version).toBe(1);
    });
  });
}
