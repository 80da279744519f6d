import { describe, expect, it } from "vitest";
import { AIMessage, HumanMessage, SystemMessage, ToolMessage, type BaseMessage } from "@langchain/core/messages";
import { compactContext, isContextSummary, validateContextPolicy } from "./context.js";
import { estimateMessagesTokens } from "../lib/tokens.js";

function turn(index: number, resultSize = 400): BaseMessage[] {
  const id = `call_${index}`;
  return [
    new AIMessage({ id: `ai_${index}`, content: "", tool_calls: [{ id, name: "web_search", args: { query: `q${index}` } }] }),
    new ToolMessage({ id: `tool_${index}`, tool_call_id: id, name: "web_search", content: `result ${index} `.repeat(resultSize / 10) }),
  ];
}

function history(turns: number): BaseMessage[] {
  const messages: BaseMessage[] = [new SystemMessage({ id: "sys", content: "You are a researcher." }), new HumanMessage({ id: "goal", content: "Find the population of Paris." })];
  for (let i = 0; i < turns; i++) messages.push(...turn(i));
  return messages;
}

describe("compactContext", () => {
  it("leaves a history inside its window untouched", async () => {
    const messages = history(2);
    const result = await compactContext(messages, { maxTokens: 10_000 });
    expect(result.compacted).toBe(false);
    expect(result.messages).toBe(messages);
  });

  it("folds old turns into a digest, keeping the system prompt, the goal and whole recent turns", async () => {
    const messages = history(20);
    const result = await compactContext(messages, { maxTokens: 1_000 });
    expect(result.compacted).toBe(true);
    expect(result.tokensAfter).toBeLessThanOrEqual(1_000);
    const [system, goal, summary, ...recent] = result.messages;
    expect(system?.id).toBe("sys");
    expect(goal?.id).toBe("goal");
    expect(isContextSummary(summary!)).toBe(true);
    expect(summary?.content).toContain("called web_search");
    // Every tool result kept still follows the AI message that asked for it.
    expect(recent[0]?.getType()).toBe("ai");
    expect(recent.at(-1)?.id).toBe("tool_19");
    for (const [i, message] of recent.entries()) {
      if (message.getType() === "tool") expect(recent[i - 1]?.getType()).toBe("ai");
    }
    expect(result.removed).toBe(messages.length - 3 - recent.length + 1);
  });

  it("carries an earlier summary forward instead of stacking summaries", async () => {
    const first = await compactContext(history(20), { maxTokens: 1_000 });
    const grown = [...first.messages, ...turn(20), ...turn(21), ...turn(22)];
    const second = await compactContext(grown, { maxTokens: 1_000 });
    expect(second.messages.filter(isContextSummary)).toHaveLength(1);
    const summary = String(second.messages.find(isContextSummary)?.content);
    expect(summary).toContain('"q15"'); // carried from the first summary
    expect(summary).toContain('"q18"'); // dropped by the second compaction
    expect(summary.match(/older steps omitted/g)).toHaveLength(1);
    expect(second.tokensAfter).toBeLessThanOrEqual(1_000);
  });

  it("uses the summarizer for the summarize strategy and hands it the dropped messages", async () => {
    const seen: BaseMessage[][] = [];
    const result = await compactContext(history(10), {
      maxTokens: 800,
      strategy: "summarize",
      summarizer: async (dropped) => {
        seen.push(dropped);
        return "searched ten times; Paris has 2.1M people";
      },
    });
    expect(seen[0]?.[0]?.id).toBe("ai_0");
    expect(result.messages[2]?.content).toContain("Paris has 2.1M people");
  });

  it("shortens a huge tool result in the latest turn rather than dropping it", async () => {
    const messages = [new HumanMessage({ id: "goal", content: "go" }), ...turn(0, 40_000)];
    const result = await compactContext(messages, { maxTokens: 2_000 });
    expect(result.messages.map((m) => m.id)).toEqual(["goal", "ai_0", "tool_0"]);
    expect(estimateMessagesTokens(result.messages)).toBeLessThan(2_000);
    expect(result.messages[2]?.content).toContain("characters cut");
  });

  it("rejects a policy that cannot work, saying how to fix it", () => {
    expect(() => validateContextPolicy({ maxTokens: 10 })).toThrow(/at least 64/);
    expect(() => validateContextPolicy({ maxTokens: 1000, strategy: "summarize" })).toThrow(/summarizer/);
    expect(() => validateContextPolicy({ maxTokens: 1000, keepRecentTokens: 2000 })).toThrow(/below maxTokens/);
  });
});
