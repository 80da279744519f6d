/**
 * The web console (`GET /console`): a page and its bundle, served by this server so it works with
 * no internet (no CDN, no remote fonts: the Content-Security-Policy allows only this origin). The
 * console itself talks to the LangGraph API with the SDK, like any client, with the API key the
 * operator types; this module adds nothing to the API's routes or their middleware.
 */
import { Hono, type Context } from "hono";
import { compress } from "hono/compress";
import { z } from "zod";
import { InvalidInputError, NotFoundError } from "../../lib/errors.js";
import { buildConsoleAssets, type ConsoleAssets } from "./bundle.js";
import { CONSOLE_HTML, CONSOLE_SECURITY_POLICY } from "./page.js";

/** What the console route module needs. */
export interface ConsoleRouteOptions {
  /** The LangSmith link of a run, when tracing to LangSmith is on (else no links are shown). */
  langsmithRunUrl?: (runId: string) => Promise<string>;
  /** Whether `runId` of `threadId` belongs to the request's owner (the LangSmith link is not given otherwise). */
  canReadRun: (c: Context, threadId: string, runId: string) => Promise<boolean>;
  /** Builds the assets (tests may count builds); default: esbuild, once per process. */
  build?: () => Promise<ConsoleAssets>;
}

const id = z.string().trim().min(1).max(200).regex(/^[\w.:-]+$/, "may hold letters, digits, '_', '-', '.', ':'");
const runParams = z.object({ thread_id: id, run_id: id });

/** Paths anyone may GET without an API key: the page and its bundle (API calls carry the key). */
export function isPublicConsolePath(path: string): boolean {
  return path === "/" || path === "/console" || path === "/console/" || path.startsWith("/console/assets/");
}

/** The console route module. */
export function consoleRoutes(options: ConsoleRouteOptions): Hono {
  const app = new Hono();
  const build = options.build ?? buildConsoleAssets;
  let assets: Promise<ConsoleAssets> | undefined;
  const loadAssets = () =>
    (assets ??= build().catch((error: unknown) => {
      assets = undefined;
      throw error;
    }));
  const secure = { "content-security-policy": CONSOLE_SECURITY_POLICY, "x-content-type-options": "nosniff", "referrer-policy": "no-referrer" };

  // The server's root and a trailing slash lead to the console (a project's own `/` route, mounted first, wins).
  app.get("/", (c) => c.redirect("/console"));
  app.get("/console/", (c) => c.redirect("/console"));
  app.get("/console", function consolePage(c) {
    // Started now so the script is ready when the browser asks for it.
    void loadAssets().catch(() => undefined);
    return c.html(CONSOLE_HTML, 200, { ...secure, "cache-control": "no-cache" });
  });
  app.get("/console/assets/:file", compress(), async function consoleAsset(c) {
    const file = c.req.param("file");
    const asset = (await loadAssets()).get(file);
    if (!asset) throw new NotFoundError("console asset", file);
    if (c.req.header("if-none-match") === asset.etag) return c.body(null, 304);
    return c.body(asset.contents as Uint8Array<ArrayBuffer>, 200, { ...secure, "content-type": asset.contentType, etag: asset.etag, "cache-control": "no-cache" });
  });
  app.get("/console/langsmith/:thread_id/:run_id", async function consoleLangsmithLink(c) {
    const params = runParams.safeParse(c.req.param());
    if (!params.success) {
      const issues = params.error.issues.map((issue) => ({ path: `path.${issue.path.join(".")}`, message: issue.message }));
      throw new InvalidInputError(`Invalid path: ${issues.map((issue) => `${issue.path} ${issue.message}`).join("; ")}.`, { issues });
    }
    const { thread_id: threadId, run_id: runId } = params.data;
    if (!(await options.canReadRun(c, threadId, runId))) throw new NotFoundError("run", runId);
    if (!options.langsmithRunUrl) return c.json({ url: null, reason: "LangSmith tracing is off (LANGSMITH_TRACING)." });
    try {
      return c.json({ url: await options.langsmithRunUrl(runId) });
    } catch (error) {
      return c.json({ url: null, reason: `LangSmith has no link for this run yet: ${(error as Error).message}` });
    }
  });
  return app;
}
