import { describe, expect, it } from "vitest";
import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { GRAPHS, getGraph, graphEntryPath, langgraphConfig } from "./index.js";
import { NotFoundError } from "../lib/errors.js";

describe("graph registry", () => {
  it("is what langgraph.json declares (regenerate with the registry when this fails)", async () => {
    const file = JSON.parse(await readFile(new URL("../langgraph.json", import.meta.url), "utf8"));
    expect(file).toEqual(langgraphConfig());
  });

  it.each(GRAPHS.map((g) => g.id))("%s: graph.ts exports builder and a compiled graph named after the id", async (id) => {
    const [file, exportName] = graphEntryPath(id).split(":");
    const module = await import(pathToFileURL(new URL(`../${file}`, import.meta.url).pathname).href);
    expect(module[exportName!].name).toBe(id);
    expect(typeof module.builder.compile).toBe("function");
    expect(id).toMatch(/^[a-z][a-z0-9_]*$/);
    const compiled = getGraph(id).createBuilder().compile();
    expect(typeof compiled.invoke).toBe("function");
  });

  it("names the registered graphs when asked for an unknown one", () => {
    expect(() => getGraph("nope")).toThrow(NotFoundError);
    expect(() => getGraph("nope")).toThrow(/supervisor, hierarchical, planner, agent/);
  });
});
