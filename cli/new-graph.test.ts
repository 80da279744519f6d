import { describe, expect, it } from "vitest";
import { mkdtempSync, symlinkSync, mkdirSync, copyFileSync, readdirSync, readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { HumanMessage } from "@langchain/core/messages";
import { ScriptedChatModel } from "../lib/scripted/scripted-chat-model.js";
import { createSpecialist, staticModels } from "../agents/index.js";
import { checkGraphId, registerInSource, scaffoldGraph } from "./new-graph.js";

const root = new URL("..", import.meta.url).pathname;

/** A throw-away project root: the real layers and graphs/ files linked in, its own registry and langgraph.json. */
function sandboxRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), "sb-new-graph-"));
  for (const layer of ["lib", "agents", "tools", "memory", "tracing", "node_modules"]) symlinkSync(join(root, layer), join(dir, layer));
  mkdirSync(join(dir, "graphs"));
  for (const entry of readdirSync(join(root, "graphs"), { withFileTypes: true })) {
    if (entry.isDirectory() || (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") && entry.name !== "index.ts")) {
      symlinkSync(join(root, "graphs", entry.name), join(dir, "graphs", entry.name));
    }
  }
  copyFileSync(join(root, "graphs", "index.ts"), join(dir, "graphs", "index.ts"));
  copyFileSync(join(root, "langgraph.json"), join(dir, "langgraph.json"));
  return dir;
}

describe("npm run new:graph", () => {
  it("scaffolds a runnable graph and registers it where the CLI, the server and langgraph.json look", async () => {
    const dir = sandboxRoot();
    // Not an id from the README (triage_team): a user who followed it has that folder, and tests never depend on the tree.
    const id = `scaffold_test_${randomUUID().replace(/-/g, "").slice(0, 10)}`;
    const result = await scaffoldGraph(dir, id);
    expect(result.files.map((f) => f.split("/").pop())).toEqual(["state.ts", "nodes.ts", "routes.ts", "graph.ts", "graph.test.ts"]);

    const registry = await import(pathToFileURL(join(dir, "graphs", "index.ts")).href);
    expect(registry.GRAPHS.map((g: { id: string }) => g.id)).toContain(id);
    // langgraph.json stays in step with the registry (the registry test checks the same).
    expect(JSON.parse(readFileSync(join(dir, "langgraph.json"), "utf8"))).toEqual(registry.langgraphConfig());

    const module = await import(pathToFileURL(join(dir, "graphs", id, "graph.ts")).href);
    expect(module.graph.name).toBe(id);
    const models = staticModels({ researcher: new ScriptedChatModel({ replies: ["fact"] }), writer: new ScriptedChatModel({ replies: ["report"] }) });
    const subagents = ["researcher", "writer"].map((name) => createSpecialist({ name, description: name, prompt: name, tools: [], maxIterations: 2 }, { models }));
    const out = await registry.getGraph(id).createBuilder({ models, subagents }).compile().invoke({ messages: [new HumanMessage("triage this")] });
    expect(out).toMatchObject({ status: "completed", result: "report" });
  });

  it("refuses bad ids, taken ids and a registry without markers", async () => {
    expect(() => checkGraphId(undefined)).toThrow(/Name the graph/);
    expect(() => checkGraphId("Triage-Team")).toThrow(/snake_case/);
    await expect(scaffoldGraph(sandboxRoot(), "supervisor")).rejects.toThrow(/already exists/);
    expect(() => registerInSource("export const GRAPHS = [];", "x_y", "d")).toThrow(/markers/);
    const source = readFileSync(join(root, "graphs", "index.ts"), "utf8");
    expect(() => registerInSource(registerInSource(source, "x_y", "d"), "x_y", "d")).toThrow(/already registered/);
  });
});
