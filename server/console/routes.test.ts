/**
 * The console's routes through the real app (auth on): the page and its bundle answer without a
 * key and keep to this origin; everything else still needs one; the bundle is built once, small.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Hono } from "hono";
import { openAppRuntime, type AppRuntime } from "../../test/support/server.js";
import { consoleRoutes } from "./routes.js";
import { CONSOLE_HTML } from "./page.js";

const KEY = "console-routes-key-0123456789";
/** The bundle's budget (minified, before compression); the note in the README gives the actual size. */
const MAX_SCRIPT_BYTES = 300_000;

describe("console routes", () => {
  let server: AppRuntime;
  beforeAll(async () => {
    server = await openAppRuntime({ SERVER_API_KEYS: `${KEY}:ops` });
  });
  afterAll(async () => server?.close());

  it("serves the page without a key, allowing only this origin's scripts, styles and API", async () => {
    const response = await server.app.request("/console");
    expect(response.status).toBe(200);
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/https?:/);
    const html = await response.text();
    expect(html).toBe(CONSOLE_HTML);
    // Every asset the page names is on this server.
    const references = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(references.sort()).toEqual(["/console/assets/main.css", "/console/assets/main.js", "/docs", "data:,"]);
  });

  it("leads the server's root and /console/ to the console, without a key", async () => {
    for (const path of ["/", "/console/"]) {
      const response = await server.app.request(path);
      expect(response.status, path).toBe(302);
      expect(response.headers.get("location"), path).toBe("/console");
    }
  });

  it("serves the bundle without a key, compressed on request, small, with nothing remote in its styles", async () => {
    const script = await server.app.request("/console/assets/main.js");
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toContain("text/javascript");
    const bytes = (await script.arrayBuffer()).byteLength;
    expect(bytes).toBeGreaterThan(10_000);
    expect(bytes).toBeLessThan(MAX_SCRIPT_BYTES);
    const gzipped = await server.app.request("/console/assets/main.js", { headers: { "accept-encoding": "gzip" } });
    expect(gzipped.headers.get("content-encoding")).toBe("gzip");
    const etag = script.headers.get("etag")!;
    expect((await server.app.request("/console/assets/main.js", { headers: { "if-none-match": etag } })).status).toBe(304);
    const css = await (await server.app.request("/console/assets/main.css")).text();
    expect(css).toContain(".approval");
    expect(css).not.toMatch(/@import|url\(\s*["']?(https?:)?\/\//);
  });

  it("answers an unknown asset with a JSON 404, and keeps the rest of /console behind the key", async () => {
    const missing = await server.app.request("/console/assets/nope.js");
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: string }).error).toBe("not_found");
    expect((await server.app.request("/console/langsmith/t1/r1")).status).toBe(401);
    expect((await server.app.request("/threads/search", { method: "POST", body: "{}" })).status).toBe(401);
  });

  it("says there is no LangSmith link when tracing is off, for a run of the key's owner; refuses bad and unknown ids", async () => {
    const auth = { authorization: `Bearer ${KEY}` };
    const thread = (await (await server.app.request("/threads", { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: "{}" })).json()) as { thread_id: string };
    const run = (await (
      await server.app.request(`/threads/${thread.thread_id}/runs`, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ assistant_id: "echo", input: { messages: [] } }) })
    ).json()) as { run_id: string };
    const response = await server.app.request(`/console/langsmith/${thread.thread_id}/${run.run_id}`, { headers: auth });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ url: null, reason: "LangSmith tracing is off (LANGSMITH_TRACING)." });
    expect((await server.app.request(`/console/langsmith/${thread.thread_id}/nope`, { headers: auth })).status).toBe(404);
    expect((await server.app.request("/console/langsmith/%00/r1", { headers: auth })).status).toBe(422);
  });
});

describe("console assets are built once", () => {
  it("builds on first use, shares the build, and retries one that failed", async () => {
    let builds = 0;
    const app = new Hono().route(
      "/",
      consoleRoutes({
        canReadRun: async () => true,
        build: async () => {
          builds += 1;
          if (builds === 1) throw new Error("esbuild is missing");
          return new Map([["main.js", { contents: new TextEncoder().encode("1"), contentType: "text/javascript", etag: '"x"' }]]);
        },
      }),
    );
    app.onError((error, c) => c.json({ message: error.message }, 500));
    expect((await app.request("/console/assets/main.js")).status).toBe(500);
    const [a, b] = await Promise.all([app.request("/console/assets/main.js"), app.request("/console/assets/main.js")]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(builds).toBe(2);
  });

  it("links a run to LangSmith only for its owner, and says why when there is no link yet", async () => {
    const app = (mine: boolean, url: () => Promise<string>) => {
      const routes = new Hono().route("/", consoleRoutes({ canReadRun: async () => mine, langsmithRunUrl: url }));
      routes.onError((error, c) => c.json({ error: (error as { code?: string }).code }, 404));
      return routes;
    };
    expect(await (await app(true, async () => "https://smith.example/r/1").request("/console/langsmith/t/r")).json()).toEqual({ url: "https://smith.example/r/1" });
    expect((await app(false, async () => "https://smith.example/r/1").request("/console/langsmith/t/r")).status).toBe(404);
    const pending = await (await app(true, async () => Promise.reject(new Error("HTTP 404"))).request("/console/langsmith/t/r")).json();
    expect(pending).toEqual({ url: null, reason: "LangSmith has no link for this run yet: HTTP 404" });
  });
});
