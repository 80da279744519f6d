import { describe, expect, it } from "vitest";
import { createTraceAnonymizer, REDACTED } from "./anonymizer.js";

describe("trace anonymizer", () => {
  it("redacts secret fields, remembers their values and removes them everywhere else", () => {
    const anonymize = createTraceAnonymizer({ secretFields: ["webhook_secret"] });
    const out = anonymize({
      args: { url: "https://hooks.example/x", webhook_secret: "hunter2-planted" },
      text: "I used hunter2-planted as asked",
      json: '{"url":"u","webhook_secret":"hunter2-planted"}',
    });
    expect(out.args).toEqual({ url: "https://hooks.example/x", webhook_secret: REDACTED });
    expect(out.text).toBe(`I used ${REDACTED} as asked`);
    expect(out.json).not.toContain("hunter2");
    // Remembered: a later payload that repeats the value alone is cleaned too.
    expect(anonymize({ later: "echo hunter2-planted" })).toEqual({ later: `echo ${REDACTED}` });
  });

  it("removes configured keys, provider keys, bearer tokens and URL passwords", () => {
    const anonymize = createTraceAnonymizer({ secretValues: ["my-configured-key-123", undefined] });
    const out = anonymize({
      a: "key my-configured-key-123 here",
      b: "Authorization: Bearer abcdefghijklmnopqrstuvwxyz012345",
      c: "sk-proj-ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
      d: "redis://user:pa55word@host:6379",
      headers: { authorization: "Basic xyz" },
    });
    const text = JSON.stringify(out);
    for (const secret of ["my-configured-key-123", "abcdefghijklmnopqrstuvwxyz012345", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", "pa55word", "Basic xyz"]) {
      expect(text).not.toContain(secret);
    }
  });

  it("leaves ordinary data and token counts alone and does not change its input", () => {
    const anonymize = createTraceAnonymizer();
    const input = { usage: { input_tokens: 12, total_tokens: 20 }, text: "Paris has 2.1 million inhabitants", id: "3f2a-uuid" };
    expect(anonymize(input)).toEqual(input);
    const withSecret = { token: "abcdefgh" };
    anonymize(withSecret);
    expect(withSecret.token).toBe("abcdefgh");
  });
});
