/**
 * langgraph.json `ui` (test/fixtures/ui): the graph's components bundled at start and served as
 * `langgraph dev` serves them, through the SDK's UI client (what `LoadExternalComponent` calls)
 * and plain HTTP for the bundled files; a graph pushing a UI message streams it as the reference
 * does. `SWITCHBOARD_ORACLE=langgraph-dev` runs the same file against the reference.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "@langchain/langgraph-sdk";
import { startApiTarget, type ApiTarget } from "./support/oracle.js";

const CONFIG = new URL("./fixtures/ui/langgraph.json", import.meta.url).pathname;

describe("generative UI from langgraph.json", () => {
  let target: ApiTarget;
  let client: Client;

  beforeAll(async () => {
    target = await startApiTarget(CONFIG);
    client = target.client();
  }, 180_000);
  afterAll(async () => target?.close());

  it("answers the SDK's component request with the tags LoadExternalComponent mounts", async () => {
    const html = await client["~ui"].getComponent("weather", "weather");
    const base = `${target.url}/ui/weather`;
    expect(html.split("\n")).toEqual([
      `<link rel="stylesheet" href="${base}/entrypoint.css" />`,
      `<script src="${base}/entrypoint.js" onload='__LGUI_weather.render("weather", "{{shadowRootId}}")'></script>`,
    ]);
  });

  it("serves the bundled script and stylesheet, React and the shared packages left to the host page", async () => {
    const script = await fetch(`${target.url}/ui/weather/entrypoint.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toMatch(/javascript/);
    const code = await script.text();
    expect(code).toContain("var __LGUI_weather");
    expect(code).toContain("weather-card");
    // Kept external: required from the page at render time, never bundled in.
    expect(code).toMatch(/__require\("react\/jsx-runtime"\)/);
    // ...and so is zod, listed in ui_config.shared: the bundle stays a few kB.
    expect(code).toMatch(/__require\("zod"\)/);
    expect(code.length).toBeLessThan(20_000);
    const css = await fetch(`${target.url}/ui/weather/entrypoint.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get("content-type")).toMatch(/text\/css/);
    expect(await css.text()).toContain(".weather-card");
  });

  it("answers 404 for a graph without UI and for a file that was not bundled", async () => {
    const post = (agent: string) => fetch(`${target.url}/ui/${agent}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "weather" }) });
    expect((await post("nobody")).status).toBe(404);
    expect((await fetch(`${target.url}/ui/weather/missing.js`)).status).toBe(404);
  });

  it("streams a pushed UI message in the custom mode and keeps it in the state's ui channel", async () => {
    const thread = await client.threads.create();
    const chunks: { event: string; data: unknown }[] = [];
    for await (const chunk of client.runs.stream(thread.thread_id, "weather", { input: { city: "Paris" }, streamMode: ["custom", "values"] })) chunks.push(chunk);
    const runId = (chunks.find((chunk) => chunk.event === "metadata")!.data as { run_id: string }).run_id;
    const expected = { type: "ui", id: "card-Paris", name: "weather", props: { city: "Paris", degrees: 21 }, metadata: { run_id: runId, id: "ai-Paris" } };
    const custom = chunks.filter((chunk) => chunk.event === "custom");
    expect(custom).toHaveLength(1);
    expect(custom[0]!.data).toMatchObject(expected);
    const values = chunks.filter((chunk) => chunk.event === "values").at(-1)!.data as { ui: unknown[]; messages: { id: string }[] };
    expect(values.ui).toHaveLength(1);
    expect(values.ui[0]).toMatchObject(expected);
    expect(values.messages.map((message) => message.id)).toEqual(["ai-Paris"]);
    const state = await client.threads.getState<{ ui: unknown[] }>(thread.thread_id);
    expect(state.values.ui[0]).toMatchObject(expected);
  });
});
