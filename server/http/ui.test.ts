/**
 * Generative UI where Switchboard goes past the reference: a component that does not build stops
 * the start naming its file (`langgraph dev` logs and serves nothing), `http.disable_ui` is
 * honoured, and under API keys the component request needs a key while the bundled files (loaded
 * by script tags, which send none) stay open.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { parseEnv } from "../../lib/env.js";
import { ConfigError } from "../../lib/errors.js";
import { silentLogger } from "../../lib/logger.js";
import { createApp } from "../app.js";
import { buildServerRuntime } from "../runtime.js";

const fixture = (name: string) => new URL(`../../test/fixtures/${name}/langgraph.json`, import.meta.url).pathname;
const env = (extra: Record<string, string> = {}) => parseEnv({ WORKSPACE_DIR: "./workspace/test-server", ...extra });
const dir = mkdtempSync(join(tmpdir(), "sb-ui-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("generative UI at start", () => {
  it("refuses to start when a component does not build, naming the field and the file", async () => {
    const error = await buildServerRuntime(env(), silentLogger(), { configPath: fixture("ui-broken") }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).setting).toBe("ui.weather");
    expect((error as Error).message).toContain(`'ui.weather' ${new URL("../../test/fixtures/ui-broken/ui.tsx", import.meta.url).pathname} does not build`);
    expect((error as Error).message).toMatch(/ui\.tsx:2:\d+: ERROR/);
  });

  it("serves no /ui routes when http.disable_ui is set", async () => {
    const path = join(dir, "langgraph.json");
    writeFileSync(path, JSON.stringify({ graphs: {}, ui: { weather: "./missing.tsx" }, http: { disable_ui: true } }));
    const runtime = await buildServerRuntime(env(), silentLogger(), { configPath: path });
    try {
      expect(runtime.deps.ui).toBeUndefined();
      const response = await createApp(runtime.deps).request("/ui/weather", { method: "POST", body: JSON.stringify({ name: "weather" }) });
      expect(response.status).toBe(404);
    } finally {
      await runtime.close();
    }
  });

  it("says what it bundled, asks an API key for the component request, not for the bundled files", async () => {
    const key = "ui-key-0123456789abcdef";
    const lines: string[] = [];
    const logger = pino({ level: "info" }, { write: (line: string) => void lines.push(JSON.parse(line).msg) });
    const runtime = await buildServerRuntime(env({ SERVER_API_KEYS: `${key}:alice` }), logger, { configPath: fixture("ui") });
    try {
      // Said at start: what is bundled from where, then what came out.
      expect(lines).toContain(`Bundling generative UI from ${fixture("ui")}: weather ← ./ui.tsx`);
      expect(lines).toContainEqual(expect.stringMatching(/^Generative UI bundled for weather \(entrypoint\.css \d+ B, entrypoint\.js \d+ B\): served at \/ui\/:graph\.$/));
      const app = createApp(runtime.deps);
      const request = (headers: Record<string, string>) => app.request("/ui/weather", { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ name: "weather" }) });
      expect((await request({})).status).toBe(401);
      const ok = await request({ authorization: `Bearer ${key}`, host: "localhost:2024" });
      expect(await ok.text()).toContain(`<script src="http://localhost:2024/ui/weather/entrypoint.js"`);
      // Behind a proxy the page's own scheme is kept.
      expect(await (await request({ authorization: `Bearer ${key}`, host: "agents.example" })).text()).toContain(`<script src="//agents.example/ui/weather/entrypoint.js"`);
      expect((await app.request("/ui/weather/entrypoint.js")).status).toBe(200);
      const bad = await app.request("/ui/weather", { method: "POST", headers: { authorization: `Bearer ${key}` }, body: "{}" });
      expect(bad.status).toBe(422);
      expect(await bad.json()).toMatchObject({ error: "invalid_input", message: expect.stringContaining("body.name") });
      // A component name cannot end the onload attribute it is written into.
      const quoted = await app.request("/ui/weather", { method: "POST", headers: { authorization: `Bearer ${key}`, host: "localhost" }, body: JSON.stringify({ name: "x' onerror='alert(1)" }) });
      expect(await quoted.text()).toContain(`onload='__LGUI_weather.render("x&#39; onerror=&#39;alert(1)", "{{shadowRootId}}")'`);
    } finally {
      await runtime.close();
    }
  });
});
