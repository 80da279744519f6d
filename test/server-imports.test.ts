/**
 * The composition root loads the project's agents, tools and graphs only for the project's own
 * langgraph.json: a server serving another project's graphs imports none of them (a loader hook
 * in a child process lists every module the runtime loaded).
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { PROJECT_LANGGRAPH_JSON } from "../server/runtime.js";
import { FIXTURE_CONFIG } from "./support/server.js";

const root = new URL("..", import.meta.url).pathname;
const probe = new URL("./fixtures/server/module-probe.mjs", import.meta.url).pathname;

/** The project's modules (paths from the root) a runtime for `config` loads, agents/, tools/ and graphs/ only. */
async function layersLoaded(config: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", probe, config], { cwd: root, env: { ...process.env, LOG_LEVEL: "silent" } });
  const modules = JSON.parse(stdout.trim().split("\n").at(-1)!) as string[];
  return modules.filter((path) => /^(agents|tools|graphs)\//.test(path));
}

describe("what the server runtime imports", () => {
  it("loads none of our agents, tools or graphs for another project's langgraph.json", async () => {
    expect(await layersLoaded(FIXTURE_CONFIG)).toEqual(["graphs/services.ts"]);
  }, 60_000);

  it("loads them for the project's own langgraph.json", async () => {
    const loaded = await layersLoaded(PROJECT_LANGGRAPH_JSON);
    expect(loaded).toEqual(expect.arrayContaining(["graphs/index.ts", "graphs/shared/graph-services.ts", "tools/index.ts", "agents/index.ts"]));
  }, 60_000);
});
