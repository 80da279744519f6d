/**
 * Another project's langgraph.json (test/fixtures/project) served exactly as `langgraph dev`
 * serves it: its env file reaching graphs and LANGGRAPH_CONFIG reaching the system assistant, its
 * Hono app (custom route, a middleware rewriting a run's body), its Auth (accept, reject, filters,
 * two users who cannot see each other's threads or store items), a graph factory whose nodes
 * follow the assistant's config, typed schemas from zod and Annotation states, subgraph schemas
 * and getLogger(). `SWITCHBOARD_ORACLE=langgraph-dev` runs the same file against the reference.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "@langchain/langgraph-sdk";
import { startApiTarget, type ApiTarget } from "./support/oracle.js";

const CONFIG = new URL("./fixtures/project/langgraph.json", import.meta.url).pathname;
// The reference compiles TypeScript for Annotation schemas: minutes on a busy machine.
const SLOW = 300_000;

type Schema = { type?: string; properties?: Record<string, Schema & { enum?: string[]; langgraph_type?: string; description?: string }>; anyOf?: Schema[]; enum?: string[] };

describe("another project's langgraph.json", () => {
  let target: ApiTarget;
  let alice: Client;
  let bob: Client;
  const as = (user: string) => target.client({ headers: { Authorization: `Bearer ${user}` } });

  beforeAll(async () => {
    // The reference gives its TypeScript schema pass 30 s by default; a busy 2-core machine needs more.
    target = await startApiTarget(CONFIG, { env: { LANGGRAPH_SCHEMA_RESOLVE_TIMEOUT_MS: String(SLOW) } });
    alice = as("user-a");
    bob = as("user-b");
  }, 180_000);
  afterAll(async () => target?.close());

  it("loads the env file for graphs and LANGGRAPH_CONFIG for the system assistant", async () => {
    const assistant = await alice.assistants.get((await alice.assistants.search({ graphId: "greeter" }))[0]!.assistant_id);
    expect(assistant.config).toMatchObject({ configurable: { suffix: "!" } });
    const thread = await alice.threads.create();
    const state = (await alice.runs.wait(thread.thread_id, "greeter", { input: { name: "Ada" } })) as { greeting: string; stamp?: string };
    expect(state.greeting).toBe("hello-from-env Ada!");
    // The project's middleware rewrote the request body on its way to the built-in route.
    expect(state.stamp).toBe("by-middleware");
  });

  it("serves the project's custom route, behind its auth", async () => {
    const ok = await fetch(`${target.url}/custom/hello`, { headers: { Authorization: "Bearer user-a" } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ hello: "from the project's app" });
    expect((await fetch(`${target.url}/custom/hello`)).status).toBe(401);
  });

  it("authenticates every request: unknown users are refused, a handler may forbid an action", async () => {
    await expect(as("mallory").threads.create()).rejects.toMatchObject({ status: 401 });
    await expect(target.client().threads.search()).rejects.toMatchObject({ status: 401 });
    await expect(as("user-c").threads.create()).rejects.toMatchObject({ status: 403 });
  });

  it("keeps two users' threads and store items apart through the handlers' filters and rewrites", async () => {
    const mine = await alice.threads.create({ metadata: { topic: "a" } });
    expect(mine.metadata).toMatchObject({ owner: "user-a", topic: "a" });
    await expect(bob.threads.get(mine.thread_id)).rejects.toMatchObject({ status: 404 });
    const bobs = await bob.threads.create();
    const seenByAlice = (await alice.threads.search({ limit: 100 })).map((thread) => thread.thread_id);
    expect(seenByAlice).toContain(mine.thread_id);
    expect(seenByAlice).not.toContain(bobs.thread_id);
    await expect(bob.runs.wait(mine.thread_id, "greeter", { input: { name: "x" } })).rejects.toMatchObject({ status: 404 });

    const key = `note-${crypto.randomUUID()}`;
    await alice.store.putItem(["notes"], key, { text: "alice's" });
    const item = await alice.store.getItem(["notes"], key);
    expect(item?.namespace).toEqual(["user-a", "notes"]);
    expect(item?.value).toEqual({ text: "alice's" });
    expect(await bob.store.getItem(["notes"], key).catch(() => null)).toBeNull();
    await alice.store.deleteItem(["notes"], key);
  });

  it("calls a graph factory with the assistant's config: the topology follows the assistant", async () => {
    const long = await alice.assistants.create({ graphId: "dynamic", config: { configurable: { topology: "long" } } });
    const nodes = (graph: { nodes: { id: string | number }[] }) => graph.nodes.map((node) => String(node.id));
    expect(nodes(await alice.assistants.getGraph(long.assistant_id))).toContain("second");
    expect(nodes(await alice.assistants.getGraph("dynamic"))).not.toContain("second");
    const thread = await alice.threads.create();
    expect(await alice.runs.wait(thread.thread_id, long.assistant_id, { input: {} })).toEqual({ path: ["first", "second"] });
    const other = await alice.threads.create();
    expect(await alice.runs.wait(other.thread_id, "dynamic", { input: {} })).toEqual({ path: ["first"] });
  });

  it("answers typed schemas for a zod state: enums, descriptions, messages", async () => {
    const schemas = await alice.assistants.getSchemas("typed");
    const input = schemas.input_schema as Schema;
    expect(input.properties?.mood).toMatchObject({ enum: ["calm", "loud"], description: "How to answer" });
    expect(input.properties?.messages?.langgraph_type).toBe("messages");
    expect((schemas.state_schema as Schema).properties?.turns).toMatchObject({ type: "number" });
  });

  it(
    "answers typed schemas for an Annotation state and its subgraph",
    async () => {
      const schemas = await alice.assistants.getSchemas("parent");
      const state = schemas.state_schema as Schema;
      expect(state.properties?.count).toMatchObject({ type: "number" });
      expect(state.properties?.label?.enum?.sort()).toEqual(["high", "low"]);
      const subgraphs = (await alice.assistants.getSubgraphs("parent")) as unknown as Record<string, Record<string, Schema>>;
      expect(Object.keys(subgraphs)).toEqual(["child"]);
      expect(Object.keys(subgraphs.child!).sort()).toEqual(["config", "input", "output", "state"]);
      expect(subgraphs.child!.state!.properties?.count).toMatchObject({ type: "number" });
    },
    SLOW,
  );

  it("lets a graph's built-in assistant be edited (Studio does), as a new version", async () => {
    const [builtIn] = await alice.assistants.search({ graphId: "logged" });
    const edited = await alice.assistants.update(builtIn!.assistant_id, { config: { configurable: { note: "edited" } } });
    expect(edited.version).toBe(builtIn!.version + 1);
    expect((await alice.assistants.get(builtIn!.assistant_id)).config).toMatchObject({ configurable: { note: "edited" } });
  });

  it("serves a graph that takes the platform logger with getLogger()", async () => {
    const thread = await alice.threads.create();
    expect(await alice.runs.wait(thread.thread_id, "logged", { input: {} })).toEqual({ path: ["logged"] });
  });
});
