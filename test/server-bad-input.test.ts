/**
 * Bad input through HTTP (issue 18): wrong types inside `config`, a checkpoint id that is not a
 * UUID, `command` that LangGraph would refuse only mid-run, store bodies and thread PATCH
 * without their required fields, store namespaces the store refuses, and bodies nested 10,000
 * deep. Each is a 4xx with a JSON body, and nothing is stored.
 *
 * Runnable against the reference (`SWITCHBOARD_ORACLE=langgraph-dev`) for the cases the
 * reference's schemas refuse too (checked: it answers 4xx to each, with its own body shape); the store's
 * path-safety cases and the depth limit are ours only.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { againstReference, startApiTarget, type ApiTarget } from "./support/oracle.js";

const CONFIG = new URL("./fixtures/streams/langgraph.json", import.meta.url).pathname;
const ours = it.skipIf(againstReference());

describe("bad input is a 4xx with a JSON body (oracle-runnable)", () => {
  let target: ApiTarget;
  let threadId: string;
  let assistantId: string;

  beforeAll(async () => {
    target = await startApiTarget(CONFIG);
    const thread = await target.client().threads.create();
    threadId = thread.thread_id;
    assistantId = (await target.client().assistants.search({ graphId: "ticker" }))[0]!.assistant_id;
    await target.client().runs.wait(threadId, assistantId, { input: {}, config: { configurable: { steps: 1, delayMs: 1 } } });
  }, 180_000);
  afterAll(async () => target?.close());

  const send = async (method: string, path: string, body?: unknown, raw?: string) => {
    const init: RequestInit = { method, headers: { "content-type": "application/json" } };
    if (raw !== undefined) init.body = raw;
    else if (body !== undefined) init.body = JSON.stringify(body);
    return fetch(`${target.url}${path.replace("{thread}", threadId)}`, init);
  };

  const expectRefused = async (response: Response, what: string) => {
    const text = await response.text();
    expect(response.status, `${what}: ${text.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
    expect(response.status, what).toBeLessThan(500);
    // The reference answers an unparsable body in plain text ("Malformed JSON …"); we answer JSON always.
    if (!againstReference()) {
      const body = JSON.parse(text) as { error?: string; message?: string };
      expect(response.status, what).toBe(422);
      expect(typeof body.error).toBe("string");
      expect(body.message!.length, what).toBeGreaterThan(0);
    }
  };

  const run = (extra: Record<string, unknown>) => ({ assistant_id: assistantId, input: {}, ...extra });
  const cases: [string, string, string, () => unknown][] = [
    ["store search without namespace_prefix", "POST", "/store/items/search", () => ({})],
    ["thread PATCH without metadata", "PATCH", "/threads/{thread}", () => ({})],
    ["config.recursion_limit 'x' on runs/wait", "POST", "/threads/{thread}/runs/wait", () => run({ config: { recursion_limit: "x" } })],
    ["config.tags 'x' on runs", "POST", "/threads/{thread}/runs", () => run({ config: { tags: "x" } })],
    ["checkpoint_id not a UUID on runs/wait", "POST", "/threads/{thread}/runs/wait", () => run({ checkpoint: { checkpoint_id: "nope" } })],
    ["checkpoint_id not a UUID on runs/stream", "POST", "/threads/{thread}/runs/stream", () => run({ checkpoint: { checkpoint_id: "nope" } })],
    ["checkpoint_id not a UUID on state update", "POST", "/threads/{thread}/state", () => ({ values: {}, checkpoint: { checkpoint_id: "nope" } })],
    ["checkpoint_id not a UUID on history", "POST", "/threads/{thread}/history", () => ({ checkpoint: { checkpoint_id: "nope" } })],
    ["before {} on history", "POST", "/threads/{thread}/history", () => ({ before: {} })],
    ["command.goto 5", "POST", "/threads/{thread}/runs/wait", () => ({ assistant_id: assistantId, command: { goto: 5 } })],
    ["command.update 'x'", "POST", "/threads/{thread}/runs/wait", () => ({ assistant_id: assistantId, command: { update: "x" } })],
    ["store put value not an object", "PUT", "/store/items", () => ({ namespace: ["a"], key: "k", value: "x" })],
    ["store namespaces prefix not a list", "POST", "/store/namespaces", () => ({ prefix: "a" })],
  ];

  it.each(cases)("%s", async (what, method, path, body) => {
    await expectRefused(await send(method, path, body()), what);
  });

  it("an empty store search body is refused with or without a content type", async () => {
    await expectRefused(await send("POST", "/store/items/search", undefined, ""), "empty body with content type");
    await expectRefused(await fetch(`${target.url}/store/items/search`, { method: "POST" }), "empty body without content type");
  });

  it("a refused run left the thread as it was: still one run, idle", async () => {
    const runs = await target.client().runs.list(threadId);
    expect(runs).toHaveLength(1);
    expect((await target.client().threads.get(threadId)).status).toBe("idle");
  });

  ours("an empty command is 422 (LangGraph would refuse it only mid-run); a state read at an unknown checkpoint is 404", async () => {
    for (const command of [{}, { goto: [] }, { update: {}, goto: [] }]) {
      await expectRefused(await send("POST", "/threads/{thread}/runs/wait", { assistant_id: assistantId, command }), `command ${JSON.stringify(command)}`);
    }
    const unknown = await send("GET", "/threads/{thread}/state/0badc0de-0000-4000-8000-00000000f022");
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: string }).error).toBe("not_found");
  });

  ours("store namespaces the store refuses ('..', 'a..b', NUL, colon) are 422 on every store route", async () => {
    for (const namespace of ["..", "a..b", "..%2F..%2Fetc", "a%00b", "a%3Ab"]) {
      await expectRefused(await send("GET", `/store/items?namespace=${namespace}&key=k`), `GET namespace=${namespace}`);
    }
    for (const label of ["../..", "a\u0000b", "a:b", ""]) {
      await expectRefused(await send("PUT", "/store/items", { namespace: [label], key: "k", value: {} }), `PUT ${JSON.stringify(label)}`);
      await expectRefused(await send("DELETE", "/store/items", { namespace: [label], key: "k" }), `DELETE ${JSON.stringify(label)}`);
      await expectRefused(await send("POST", "/store/items/search", { namespace_prefix: [label] }), `search ${JSON.stringify(label)}`);
      await expectRefused(await send("POST", "/store/namespaces", { prefix: [label] }), `namespaces prefix ${JSON.stringify(label)}`);
      await expectRefused(await send("POST", "/store/namespaces", { suffix: [label] }), `namespaces suffix ${JSON.stringify(label)}`);
    }
    await expectRefused(await send("PUT", "/store/items", { namespace: ["a"], key: "k\u0000", value: {} }), "NUL in a key");
  });

  ours("bodies nested 10,000 deep are 422 on every route that takes a body, and nothing is stored", async () => {
    let object = "1";
    let array = "1";
    for (let i = 0; i < 10_000; i++) [object, array] = [`{"a":${object}}`, `[${array}]`];
    const before = (await target.client().threads.search({ limit: 1000 })).length;
    const bodies: [string, string, string][] = [
      ["POST", "/threads", `{"metadata":${object}}`],
      ["POST", "/threads/search", `{"metadata":${object}}`],
      ["PATCH", "/threads/{thread}", `{"metadata":{"x":${array}}}`],
      ["POST", "/threads/{thread}/runs", `{"assistant_id":"${assistantId}","input":{"x":${array}}}`],
      ["POST", "/threads/{thread}/state", `{"values":{"x":${object}}}`],
      ["POST", "/assistants", `{"graph_id":"ticker","metadata":${object}}`],
      ["PUT", "/store/items", `{"namespace":["a"],"key":"k","value":${object}}`],
    ];
    for (const [method, path, raw] of bodies) await expectRefused(await send(method, path, undefined, raw), `${method} ${path} 10,000 deep`);
    expect((await target.client().threads.search({ limit: 1000 })).length).toBe(before);
  });
});
