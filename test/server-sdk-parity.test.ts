/**
 * LangGraph API parity through the official SDK, in Redis and embedded mode: the store (a missing
 * item is null; a run's graph and the /store routes see the same items under the same namespaces)
 * and the reference's words in error messages, inside our `{ error, message }` body.
 *
 * Runnable against the reference (`SWITCHBOARD_ORACLE=langgraph-dev`); tests of what only the
 * Platform serves, or of our JSON body, are skipped there.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import type { Client } from "@langchain/langgraph-sdk";
import { againstReference, startApiTarget, type ApiTarget } from "./support/oracle.js";

const CONFIG = new URL("./fixtures/parity/langgraph.json", import.meta.url).pathname;
const ours = it.skipIf(againstReference());
const MISSING = "00000000-0000-4000-8000-000000000000";

for (const mode of againstReference() ? (["reference"] as const) : (["redis", "embedded"] as const)) {
  describe(`store and errors like the reference (${mode})`, () => {
    let target: ApiTarget;
    let client: Client;
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(target.url + path, { method, headers: { "content-type": "application/json" }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      return { status: response.status, text: await response.text() };
    };

    beforeAll(async () => {
      target = await startApiTarget(CONFIG, { redis: mode === "redis" });
      client = target.client();
    }, 150_000);
    afterAll(async () => target?.close());

    it("answers a missing store item with null", async () => {
      expect(await client.store.getItem(["parity", randomUUID()], "absent")).toBeNull();
    });

    it("shows a run's graph the items a client put, and the client the items a graph put, under the namespaces as written", async () => {
      const namespace = ["parity", randomUUID(), "notes"];
      await client.store.putItem(namespace, "from-client", { by: "client" });
      const thread = await client.threads.create();
      const read = (await client.runs.wait(thread.thread_id, "keeper", {
        input: { get: { namespace, key: "from-client" }, put: { namespace, key: "from-graph", value: { by: "graph" } } },
      })) as { found: unknown };
      expect(read.found).toEqual({ by: "client" });
      const item = await client.store.getItem(namespace, "from-graph");
      expect(item).toMatchObject({ namespace, key: "from-graph", value: { by: "graph" } });
      const searched = await client.store.searchItems(namespace.slice(0, 2));
      expect(searched.items.map((found) => [found.namespace, found.key]).sort()).toEqual([
        [namespace, "from-client"],
        [namespace, "from-graph"],
      ]);
      const listed = await client.store.listNamespaces({ prefix: namespace.slice(0, 2) });
      expect(listed.namespaces).toEqual([namespace]);
      await client.store.deleteItem(namespace, "from-client");
      await client.store.deleteItem(namespace, "from-graph");
    });

    it("words a missing assistant, thread, run or graph as the reference does", async () => {
      await expect(client.assistants.get(MISSING)).rejects.toThrow(/404.*Assistant not found/);
      await expect(client.assistants.update(MISSING, { metadata: {} })).rejects.toThrow(/404.*Assistant not found/);
      await expect(client.threads.get(MISSING)).rejects.toThrow(new RegExp(`404.*Thread with ID ${MISSING} not found`));
      await expect(client.threads.update(MISSING, { metadata: {} })).rejects.toThrow(/404.*Thread not found/);
      await expect(client.threads.getState(MISSING)).rejects.toThrow(new RegExp(`404.*Thread with ID ${MISSING} not found`));
      await expect(client.runs.wait(null, "nope", { input: {} })).rejects.toThrow(/404.*No assistant found for \\?"nope\\?"\. Make sure the assistant ID is for a valid assistant or a valid graph ID\./);
      const thread = await client.threads.create();
      await expect(client.runs.cancel(thread.thread_id, MISSING)).rejects.toThrow(/404.*Run not found/);
      await expect(client.runs.delete(thread.thread_id, MISSING)).rejects.toThrow(/404.*Run not found/);
    });

    it("words conflicts as the reference does", async () => {
      const thread = await client.threads.create();
      await expect(client.threads.create({ threadId: thread.thread_id })).rejects.toThrow(/409.*Thread already exists/);
      const assistant = await client.assistants.create({ graphId: "keeper" });
      await expect(client.assistants.create({ graphId: "keeper", assistantId: assistant.assistant_id })).rejects.toThrow(/409.*Assistant already exists/);
    });

    ours("keeps the { error, message } body around the reference's words", async () => {
      expect(await call("GET", `/assistants/${MISSING}`)).toEqual({ status: 404, text: JSON.stringify({ error: "not_found", message: "Assistant not found" }) });
      expect(JSON.parse((await call("POST", "/runs/wait", { assistant_id: "nope", input: {} })).text)).toMatchObject({ error: "not_found", message: expect.stringMatching(/^No assistant found for "nope"/) });
      expect(JSON.parse((await call("POST", "/assistants", { graph_id: "nope" })).text)).toMatchObject({ error: "not_found", message: expect.stringMatching(/^Graph "nope" not found/) });
    });
  });
}
