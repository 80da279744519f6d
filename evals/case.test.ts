import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../lib/errors.js";
import { loadDatasets, parseDataset } from "./dataset-files.js";

describe("eval datasets", () => {
  it("fills defaults: completed expected, approvals rejected, no limits", () => {
    const [item] = parseDataset("unit", `{"id": "a", "graph": "agent", "goal": "Compute 1 + 1"}\n`);
    expect(item).toMatchObject({ id: "a", dataset: "unit", approvals: "reject", limits: {}, expect: { status: "completed", answerContains: [], railEvents: [] } });
  });

  it("keeps a mistaken case as invalid, its reason naming the dataset, the line and the field, so the others still run", () => {
    const invalid = (text: string) => parseDataset("unit", text).map((item) => item.invalid);
    expect(invalid(`{"id": "a", "graph": "agent", "goal": "x"}\n{"id": "b", "graph": "nope", "goal": "x"}\n`)).toEqual([undefined, expect.stringMatching(/^Dataset 'unit' line 2: graph:/)]);
    expect(invalid(`{"id": "a", "graph": "agent", "goal": "x", "expect": {"status": "done"}}`)).toEqual([expect.stringMatching(/line 1: expect.status/)]);
    expect(parseDataset("unit", `{"id": "a", "graph": "agent", "goal": "x"}\n{"id": "a", "graph": "agent", "goal": "y"}`)).toMatchObject([{ id: "a" }, { id: "a~2", invalid: expect.stringMatching(/id 'a' is twice/) }]);
    expect(invalid(`{"id": "a", "graph": "agent", "goal": "x", "expect": {"trajectory": {"match": "strict"}}}`)).toEqual([expect.stringMatching(/'agents' or 'tools'/)]);
    expect(invalid(`{"id": "a", "graph": "agent", "goal": "x", "expect": {"reasonMatches": "[oops"}}`)).toEqual([expect.stringMatching(/expect.reasonMatches: not a valid regular expression/)]);
    expect(invalid(`{"id": "a", "graph": "agent", "goal": "x", "files": {"../escape.txt": "x"}}`)).toEqual([expect.stringMatching(/files\.\.\.\/escape.txt: a file path must be relative/)]);
    expect(parseDataset("unit", `\n{"id": "a", "graph": "agent"`)).toMatchObject([{ id: "unit:line-2", invalid: expect.stringMatching(/line 2: not JSON/) }]);
  });

  it("reads a YAML list of cases, naming the line of a mistaken one", () => {
    const cases = parseDataset("unit", `- id: a\n  graph: agent\n  goal: Compute 1 + 1\n  expect: {answerContains: [2]}\n- id: b\n  graph: agent\n`, undefined, "yaml");
    expect(cases).toMatchObject([{ id: "a", expect: { answerContains: ["2"] } }, { id: "b", invalid: expect.stringMatching(/line 5: goal:/) }]);
    expect(parseDataset("unit", `- id: a\n  goal: [unclosed\n`, undefined, "yaml")).toMatchObject([{ invalid: expect.stringMatching(/not YAML/) }]);
  });

  it("accepts the case the README shows, and its YAML form", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const section = readme.slice(readme.indexOf("## Evals"));
    const json = /```json\n([\s\S]*?)```/.exec(section)![1]!;
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)![1]!;
    const [fromJson] = parseDataset("readme", JSON.stringify(JSON.parse(json)));
    expect(fromJson!.invalid).toBeUndefined();
    const [fromYaml] = parseDataset("readme", yaml, undefined, "yaml");
    expect(fromYaml!.invalid).toBeUndefined();
    expect(fromYaml).toEqual(fromJson);
  });

  it("loads a dataset by its path, wherever it is", () => {
    const dir = mkdtempSync(join(tmpdir(), "switchboard-eval-case-"));
    try {
      writeFileSync(join(dir, "mine.yml"), `- {id: a, graph: agent, goal: x}\n`);
      writeFileSync(join(dir, "other.jsonl"), `{"id": "b", "graph": "agent", "goal": "y"}\n`);
      writeFileSync(join(dir, "pretty.json"), `[\n  {"id": "c", "graph": "agent", "goal": "z"},\n  {"id": "d", "graph": "agent"}\n]\n`);
      expect(loadDatasets([join(dir, "mine.yml"), join(dir, "other.jsonl")]).map((item) => [item.dataset, item.id])).toEqual([["mine", "a"], ["other", "b"]]);
      expect(loadDatasets([join(dir, "pretty.json")])).toMatchObject([{ id: "c" }, { id: "d", invalid: expect.stringMatching(/^Dataset 'pretty' line 3: goal:/) }]);
      expect(loadDatasets([], dir).map((item) => item.id)).toEqual(["a", "b", "c", "d"]);
      expect(() => loadDatasets(["nope"], dir)).toThrow(InvalidInputError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("drops unknown fields with a warning naming them, so a typo is seen but does not sink the dataset", () => {
    const warnings: string[] = [];
    const [item] = parseDataset("unit", `{"id": "a", "graph": "agent", "goal": "x", "notes": "n", "expect": {"answerContain": ["42"], "answerContains": ["7"]}}`, (warning) => warnings.push(warning));
    expect(item!.expect.answerContains).toEqual(["7"]);
    expect(warnings).toEqual([expect.stringMatching(/line 1: ignored unknown field\(s\) .*notes/)]);
    expect(warnings[0]).toContain("expect.answerContain");
  });
});
