import { describe, expect, it } from "vitest";
import { renderMarkdown } from "./markdown.js";
import { changedChannels, parseEditedState } from "./state-edit.js";

describe("the answer's Markdown", () => {
  it("renders Markdown: headings, lists, code, tables", () => {
    const html = renderMarkdown("# Result\n\n- **Paris**: 2.1 M\n- Berlin\n\n`x`\n\n| a | b |\n| - | - |\n| 1 | 2 |");
    expect(html).toContain("<h1>Result</h1>");
    expect(html).toContain("<li><strong>Paris</strong>: 2.1 M</li>");
    expect(html).toContain("<code>x</code>");
    expect(html).toContain("<table>");
  });

  it("shows raw HTML as text and drops links that could run script", () => {
    const html = renderMarkdown('<script>alert(1)</script>\n\n<img src=x onerror=alert(1)> [click](javascript:alert(1)) [ok](https://example.com) ![i](javascript:x)');
    expect(html).not.toMatch(/<script|<img|href="javascript/i);
    expect(html).toContain("&lt;script&gt;");
    expect(html).toContain('<a href="https://example.com" rel="noopener noreferrer" target="_blank">ok</a>');
    expect(html).toContain("click");
  });
});

describe("forking from an edited state", () => {
  it("writes only the channels that changed", () => {
    const original = { goal: "a", usage: { totalTokens: 5 }, railEvents: [{ kind: "x" }] };
    expect(changedChannels(original, { ...original, goal: "b" })).toEqual({ goal: "b" });
    expect(changedChannels(original, { ...original, note: "new" })).toEqual({ note: "new" });
    expect(changedChannels(original, structuredClone(original))).toEqual({});
  });

  it("accepts only a JSON object", () => {
    expect(parseEditedState('{"goal":"b"}')).toEqual({ values: { goal: "b" } });
    expect(parseEditedState("[1]")).toEqual({ problem: "The state must be a JSON object of channels." });
    expect(parseEditedState("{")).toMatchObject({ problem: expect.stringMatching(/^The state is not valid JSON/) });
  });
});
