import { describe, expect, it } from "vitest";
import { readOwnSchemas } from "./own-schemas.js";

describe("graphs/schemas.generated.json", () => {
  it("matches the state sources (after changing a graph's state, run `npm run schemas`)", async () => {
    const own = await readOwnSchemas();
    expect(own.stale).toBeUndefined();
    expect(Object.keys(own.schemas ?? {})).toEqual(expect.arrayContaining(["supervisor", "hierarchical", "planner", "agent"]));
  });
});
