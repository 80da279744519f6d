import { describe, expect, it } from "vitest";
import { layoutGraph } from "./graph-layout.js";

const supervisor = {
  nodes: ["__start__", "supervisor", "researcher", "analyst", "__end__"].map((id) => ({ id, name: id })),
  edges: [
    { source: "__start__", target: "supervisor" },
    { source: "supervisor", target: "researcher", conditional: true },
    { source: "supervisor", target: "analyst", conditional: true },
    { source: "supervisor", target: "__end__", conditional: true },
    { source: "researcher", target: "supervisor" },
    { source: "analyst", target: "supervisor" },
  ],
};

describe("graph layout", () => {
  it("layers nodes by distance from the start, with __end__ last and no overlaps within a layer", () => {
    const drawing = layoutGraph(supervisor);
    const y = Object.fromEntries(drawing.nodes.map((node) => [node.id, node.y]));
    expect(y.__start__).toBeLessThan(y.supervisor!);
    expect(y.supervisor).toBeLessThan(y.researcher!);
    expect(y.researcher).toBe(y.analyst);
    expect(y.__end__).toBeGreaterThan(y.researcher!);
    const [researcher, analyst] = ["researcher", "analyst"].map((id) => drawing.nodes.find((node) => node.id === id)!);
    expect(researcher!.x + researcher!.width).toBeLessThanOrEqual(analyst!.x);
    for (const node of drawing.nodes) expect(node.x + node.width).toBeLessThanOrEqual(drawing.width);
  });

  it("marks edges back to an earlier layer and conditional edges, and drops edges to unknown nodes", () => {
    const drawing = layoutGraph({ ...supervisor, edges: [...supervisor.edges, { source: "analyst", target: "ghost" }] });
    expect(drawing.edges).toHaveLength(6);
    expect(drawing.edges.filter((edge) => edge.back).map((edge) => edge.source).sort()).toEqual(["analyst", "researcher"]);
    expect(drawing.edges.find((edge) => edge.target === "researcher")!.conditional).toBe(true);
  });

  it("places nodes the start cannot reach below the rest, and copes with an empty graph", () => {
    const drawing = layoutGraph({ nodes: [{ id: "__start__" }, { id: "a" }, { id: "island" }], edges: [{ source: "__start__", target: "a" }] });
    const island = drawing.nodes.find((node) => node.id === "island")!;
    expect(island.y).toBeGreaterThan(drawing.nodes.find((node) => node.id === "a")!.y);
    expect(layoutGraph({ nodes: [], edges: [] }).nodes).toEqual([]);
  });

  it("labels an xray node by the last part of its path", () => {
    const drawing = layoutGraph({ nodes: [{ id: "__start__" }, { id: "team:researcher:model", name: "team:researcher:model" }], edges: [{ source: "__start__", target: "team:researcher:model" }] });
    expect(drawing.nodes.find((node) => node.id === "team:researcher:model")!.label).toBe("model");
  });
});
