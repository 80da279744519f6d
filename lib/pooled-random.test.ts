import { describe, expect, it } from "vitest";
import { uuid7 } from "langsmith";
import { installPooledRandomValues } from "./pooled-random.js";

describe("installPooledRandomValues", () => {
  installPooledRandomValues();

  it("fills small integer arrays in place with bytes that are never handed out twice", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2_000; i += 1) {
      const array = new Uint8Array(16);
      expect(crypto.getRandomValues(array)).toBe(array);
      seen.add(Buffer.from(array).toString("hex"));
    }
    // 2,000 × 16 bytes crosses the 4 KiB pool several times: a refill that repeated bytes would show.
    expect(seen.size).toBe(2_000);
    const words = crypto.getRandomValues(new Uint32Array(4));
    expect(words.some((word) => word !== 0)).toBe(true);
  });

  it("writes only the view it was given, not the rest of its buffer", () => {
    const buffer = new Uint8Array(32);
    crypto.getRandomValues(new Uint8Array(buffer.buffer, 8, 8));
    expect([...buffer.subarray(0, 8), ...buffer.subarray(16)].every((byte) => byte === 0)).toBe(true);
  });

  it("leaves large and invalid requests to Node: its errors, its limits", () => {
    expect(crypto.getRandomValues(new Uint8Array(1_024)).some((byte) => byte !== 0)).toBe(true);
    expect(() => crypto.getRandomValues(new Float32Array(4) as unknown as Uint8Array)).toThrow(/integer/i);
    expect(() => crypto.getRandomValues(new Uint8Array(65_537))).toThrow(/65,?536/);
  });

  it("keeps UUIDs from libraries that draw on it distinct", () => {
    const ids = new Set(Array.from({ length: 1_000 }, () => uuid7()));
    expect(ids.size).toBe(1_000);
  });
});
