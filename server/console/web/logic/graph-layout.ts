/**
 * A drawing of a graph from `GET /assistants/:id/graph`: nodes in layers by their distance from
 * `__start__` (edges back to an earlier layer, such as a specialist reporting to its supervisor,
 * do not push a node down), placed on a grid the page renders as SVG.
 */

/** The graph as the API answers it (what is read here). */
export interface ApiGraph {
  nodes: { id: string | number; name?: string; data?: unknown }[];
  edges: { source: string | number; target: string | number; conditional?: boolean; data?: unknown }[];
}

/** A placed node. */
export interface PlacedNode {
  id: string;
  label: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A placed edge, from one node's bottom to another's top (or a back edge, drawn to the side). */
export interface PlacedEdge {
  source: string;
  target: string;
  conditional: boolean;
  back: boolean;
  path: string;
}

/** The drawing. */
export interface GraphDrawing {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  width: number;
  height: number;
}

const NODE_HEIGHT = 36;
const LAYER_GAP = 70;
const NODE_GAP = 24;
const CHAR_WIDTH = 7.5;

/** Lays out a graph. */
export function layoutGraph(graph: ApiGraph): GraphDrawing {
  const ids = graph.nodes.map((node) => String(node.id));
  const outgoing = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const edge of graph.edges) outgoing.get(String(edge.source))?.push(String(edge.target));
  // Breadth first from the start: a node's layer is the first distance it is reached at.
  const layer = new Map<string, number>();
  const start = ids.find((id) => id === "__start__") ?? ids[0];
  const queue = start === undefined ? [] : [start];
  if (start !== undefined) layer.set(start, 0);
  while (queue.length > 0) {
    const id = queue.shift()!;
    for (const target of outgoing.get(id) ?? []) {
      if (layer.has(target)) continue;
      layer.set(target, layer.get(id)! + 1);
      queue.push(target);
    }
  }
  const deepest = Math.max(0, ...layer.values());
  for (const id of ids) if (!layer.has(id)) layer.set(id, id === "__end__" ? deepest + 1 : deepest + 1);
  // __end__ always last.
  if (layer.has("__end__")) layer.set("__end__", Math.max(...[...layer.entries()].filter(([id]) => id !== "__end__").map(([, l]) => l)) + 1);

  const layers: string[][] = [];
  for (const id of ids) (layers[layer.get(id)!] ??= []).push(id);
  // xray ids are paths (`research_team:researcher:model`): the box shows the last part, the page the whole id on hover.
  const labelOf = new Map(graph.nodes.map((node) => [String(node.id), String(node.name ?? node.id).split(":").at(-1)!]));
  const widthOf = (id: string) => Math.max(80, Math.round((labelOf.get(id) ?? id).length * CHAR_WIDTH + 24));
  const rowWidths = layers.map((row) => (row ?? []).reduce((sum, id) => sum + widthOf(id), 0) + NODE_GAP * Math.max(0, (row ?? []).length - 1));
  const width = Math.max(200, ...rowWidths) + 40;
  const placed = new Map<string, PlacedNode>();
  layers.forEach((row = [], index) => {
    let x = (width - rowWidths[index]!) / 2;
    for (const id of row) {
      const w = widthOf(id);
      placed.set(id, { id, label: labelOf.get(id) ?? id, x, y: 20 + index * (NODE_HEIGHT + LAYER_GAP), width: w, height: NODE_HEIGHT });
      x += w + NODE_GAP;
    }
  });
  const edges = graph.edges.flatMap((edge) => {
    const from = placed.get(String(edge.source));
    const to = placed.get(String(edge.target));
    if (!from || !to) return [];
    const back = layer.get(to.id)! <= layer.get(from.id)!;
    const x1 = from.x + from.width / 2;
    const x2 = to.x + to.width / 2;
    const path = back
      ? `M${from.x + from.width} ${from.y + NODE_HEIGHT / 2} C${from.x + from.width + 40} ${from.y + NODE_HEIGHT / 2} ${to.x + to.width + 40} ${to.y + NODE_HEIGHT / 2} ${to.x + to.width} ${to.y + NODE_HEIGHT / 2}`
      : `M${x1} ${from.y + NODE_HEIGHT} C${x1} ${from.y + NODE_HEIGHT + LAYER_GAP / 2} ${x2} ${to.y - LAYER_GAP / 2} ${x2} ${to.y}`;
    return [{ source: from.id, target: to.id, conditional: edge.conditional === true, back, path }];
  });
  return { nodes: [...placed.values()], edges, width: width + 40, height: 40 + layers.length * (NODE_HEIGHT + LAYER_GAP) - LAYER_GAP };
}
