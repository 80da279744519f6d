import { describe, expect, it } from "vitest";
import { matchingItems } from "./memory.js";
import { threadGoal } from "./navigation.js";

describe("memory search and thread goals", () => {
  const items = [
    { key: "ep-1", value: { goal: "Compare Paris and Berlin" } },
    { key: "ep-2", value: { goal: "Notify the ops webhook" } },
  ];

  it("matches the text itself when the store did not rank the items", () => {
    expect(matchingItems(items, "webhook").map((item) => item.key)).toEqual(["ep-2"]);
    expect(matchingItems(items, "EP-1").map((item) => item.key)).toEqual(["ep-1"]);
    expect(matchingItems(items, "  ")).toEqual(items);
  });

  it("keeps the store's ranking when it searched by meaning", () => {
    const ranked = [{ ...items[1]!, score: 0.9 }, { ...items[0]!, score: 0.2 }];
    expect(matchingItems(ranked, "paris")).toEqual(ranked);
  });

  it("names a thread by the console's goal, the state's goal, or its first message", () => {
    expect(threadGoal({ metadata: { goal: "from the console" }, values: { goal: "state" } })).toBe("from the console");
    expect(threadGoal({ metadata: {}, values: { goal: "state" } })).toBe("state");
    expect(threadGoal({ values: { messages: [{ type: "human", content: "hello" }] } })).toBe("hello");
    expect(threadGoal({})).toBe("");
  });
});
