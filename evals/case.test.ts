import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../lib/errors.js";
import { parseDataset } from "./case.js";

describe("eval datasets", () => {
  it("fills defaults: completed expected, approvals rejected, no limits", () => {
    const [item] = parseDataset("unit", `{"id": "a", "graph": "agent", "goal": "Compute 1 + 1"}\n`);
    expect(item).toMatchObject({ id: "a", dataset: "unit", approvals: "reject", limits: {}, expect: { status: "completed", answerContains: [], railEvents: [] } });
  });

  it("names the dataset, the line and the field of a mistake", () => {
    const text = `{"id": "a", "graph": "agent", "goal": "x"}\n{"id": "b", "graph": "nope", "goal": "x"}\n`;
    expect(() => parseDataset("unit", text)).toThrow(InvalidInputError);
    expect(() => parseDataset("unit", text)).toThrow(/Dataset 'unit' line 2: graph:/);
    expect(() => parseDataset("unit", `{"id": "a", "graph": "agent", "goal": "x", "expect": {"status": "done"}}`)).toThrow(/line 1: expect.status/);
    expect(() => parseDataset("unit", `{"id": "a", "graph": "agent", "goal": "x"}\n{"id": "a", "graph": "agent", "goal": "y"}`)).toThrow(/case id 'a' twice/);
    expect(() => parseDataset("unit", `{"id": "a", "graph": "agent", "goal": "x", "expect": {"trajectory": {"match": "strict"}}}`)).toThrow(/'agents' or 'tools'/);
  });

  it("drops unknown fields with a warning naming them, so a typo is seen but does not sink the dataset", () => {
    const warnings: string[] = [];
    const [item] = parseDataset("unit", `{"id": "a", "graph": "agent", "goal": "x", "notes": "n", "expect": {"answerContain": ["42"], "answerContains": ["7"]}}`, (warning) => warnings.push(warning));
    expect(item!.expect.answerContains).toEqual(["7"]);
    expect(warnings).toEqual([expect.stringMatching(/line 1: ignored unknown field\(s\) .*notes/)]);
    expect(warnings[0]).toContain("expect.answerContain");
  });
});
