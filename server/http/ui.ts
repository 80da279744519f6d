/**
 * langgraph.json `ui`: each graph's generative UI components, bundled once at start with the
 * reference's own bundler (@langchain/langgraph-ui: esbuild, React and the SDK kept external, the
 * `ui_config.shared` packages too) and served as `langgraph dev` serves them: `POST /ui/:agent`
 * answers the link/script tags the SDK's `LoadExternalComponent` mounts, `GET /ui/:agent/:file`
 * the bundled files.
 */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { extname, join, resolve } from "node:path";
import { Hono } from "hono";
import { getMimeType } from "hono/utils/mime";
import { z } from "zod";
import { ConfigError, NotFoundError } from "../../lib/errors.js";
import type { LanggraphConfig } from "../graphs/config.js";
import { readBody } from "./validate.js";

/** One bundled file of a graph's UI. */
export interface UiFile {
  basename: string;
  contents: Uint8Array;
}

/** Graph id → its bundled UI files. */
export type GraphUi = ReadonlyMap<string, readonly UiFile[]>;

/**
 * Bundles every graph's components; a ConfigError naming the graph and the file when one does not
 * build. Built once, not watched: a server restart picks up changes.
 */
export async function buildGraphUi(config: LanggraphConfig): Promise<GraphUi | undefined> {
  if (!config.ui) return undefined;
  // Imported here: the bundler reads its render template when loaded, and most projects have no UI.
  const { build } = await import("@langchain/langgraph-ui");
  const bundles = new Map<string, UiFile[]>();
  // One graph at a time, so a failure names its file; the bundler writes to disk, read back here.
  for (const [graphId, file] of Object.entries(config.ui)) {
    const output = await mkdtemp(join(tmpdir(), "switchboard-ui-"));
    try {
      await build({ cwd: config.dir, defs: { [graphId]: file }, config: { shared: config.uiShared ?? [] }, output });
      const folder = join(output, "public", graphId);
      const names = (await readdir(folder).catch(() => [])).sort();
      bundles.set(graphId, await Promise.all(names.map(async (basename) => ({ basename, contents: await readFile(join(folder, basename)) }))));
    } catch (error) {
      const detail = (error as Error).message.split("\n").slice(0, 6).join("\n");
      throw new ConfigError(`${config.path}: 'ui.${graphId}' ${resolve(config.dir, file)} does not build: ${detail}`, { cause: error, setting: `ui.${graphId}` });
    } finally {
      await rm(output, { recursive: true, force: true });
    }
  }
  return bundles;
}

/** What was bundled, for the start-up log. */
export function describeGraphUi(ui: GraphUi): string {
  const graphs = [...ui].map(([graphId, files]) => `${graphId} (${files.map((file) => `${file.basename} ${file.contents.byteLength} B`).join(", ")})`);
  return `Generative UI bundled for ${graphs.join("; ")}: served at /ui/:graph.`;
}

const componentRequest = z.object({ name: z.string() });

// The same origin the caller used: plain http on loopback, the page's scheme elsewhere (behind TLS).
function origin(host: string | undefined): string {
  const hostname = host?.replace(/:\d+$/, "");
  return `${hostname === "localhost" || hostname === "127.0.0.1" ? "http:" : ""}//${host ?? ""}`;
}

/** The /ui routes over the bundles. */
export function uiRoutes(ui: GraphUi): Hono {
  const app = new Hono();
  app.post("/ui/:agent", async (c) => {
    const agent = c.req.param("agent");
    const { name } = await readBody(c, componentRequest);
    const files = ui.get(agent);
    if (!files?.length) throw new NotFoundError("ui", agent, { message: `No UI for graph '${agent}': langgraph.json 'ui' does not declare it.` });
    const base = `${origin(c.req.header("host"))}/ui/${agent}`;
    const tags = files.filter((file) => extname(file.basename) === ".css").map((file) => `<link rel="stylesheet" href="${base}/${file.basename}" />`);
    const script = files.find((file) => extname(file.basename) === ".js");
    // The bundle's global is `__LGUI_<graph id>`; LoadExternalComponent fills in {{shadowRootId}}.
    const global = `__LGUI_${agent.replace(/[^a-zA-Z0-9]/g, "_")}`;
    // The name sits in a single-quoted attribute: escaped so that no name can end it.
    const call = `${global}.render(${JSON.stringify(name)}, "{{shadowRootId}}")`.replaceAll("&", "&amp;").replaceAll("'", "&#39;");
    if (script) tags.push(`<script src="${base}/${script.basename}" onload='${call}'></script>`);
    return c.body(tags.join("\n"), 200, { "Content-Type": "text/html" });
  });
  app.get("/ui/:agent/:basename", (c) => {
    const { agent, basename } = c.req.param();
    const file = ui.get(agent)?.find((item) => item.basename === basename);
    if (!file) throw new NotFoundError("ui file", `${agent}/${basename}`);
    return c.body(file.contents as Uint8Array<ArrayBuffer>, 200, { "Content-Type": getMimeType(basename) ?? "text/plain" });
  });
  return app;
}
