/**
 * The console's browser bundle, built in memory with esbuild from `web/ui/main.ts` the first time
 * a console asset is asked for (nothing is built at import or at start: the API never waits on it).
 * One build per process; a failed build is retried on the next request.
 */
import { fileURLToPath } from "node:url";
import { basename } from "node:path";
import { ConfigError } from "../../lib/errors.js";

/** One built file of the console. */
export interface ConsoleAsset {
  contents: Uint8Array;
  contentType: string;
  /** A content hash, sent as the ETag. */
  etag: string;
}

/** File name (e.g. `main.js`) → asset. */
export type ConsoleAssets = ReadonlyMap<string, ConsoleAsset>;

const ENTRY = fileURLToPath(new URL("./web/ui/main.ts", import.meta.url));
const CORE_MESSAGES_STUB = fileURLToPath(new URL("./web/ui/core-messages-stub.ts", import.meta.url));
const TYPES: Record<string, string> = { ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8" };

/** Bundles the console (minified ES2020, CSS beside the script). */
export async function buildConsoleAssets(): Promise<ConsoleAssets> {
  // Imported here: esbuild starts a service process when loaded, which only a console user needs.
  const esbuild = await import("esbuild");
  const result = await esbuild
    .build({
      entryPoints: [ENTRY],
      bundle: true,
      write: false,
      outdir: "/console-out",
      entryNames: "main",
      format: "esm",
      platform: "browser",
      target: "es2020",
      minify: true,
      legalComments: "none",
      define: { "process.env.NODE_ENV": '"production"' },
      logLevel: "silent",
      // The SDK client's one import of @langchain/core serves a protocol the console does not use (see the stub).
      alias: { "@langchain/core/messages": CORE_MESSAGES_STUB },
    })
    .catch((error: unknown) => {
      throw new ConfigError(`The console (server/console/web) does not build: ${(error as Error).message.split("\n").slice(0, 6).join("\n")}`, { cause: error });
    });
  const assets = new Map<string, ConsoleAsset>();
  for (const file of result.outputFiles) {
    const name = basename(file.path);
    const extension = name.slice(name.lastIndexOf("."));
    assets.set(name, { contents: file.contents, contentType: TYPES[extension] ?? "application/octet-stream", etag: `"${file.hash}"` });
  }
  return assets;
}
