import { describe, expect, it } from "vitest";
import { TIMED_OUT, waitAtMost } from "./wait-at-most.js";

describe("waitAtMost", () => {
  it("gives the value of work that settles in time, and its rejection", async () => {
    expect(await waitAtMost(Promise.resolve(7), 1_000)).toBe(7);
    await expect(waitAtMost(Promise.reject(new Error("no")), 1_000)).rejects.toThrow("no");
  });

  it("gives TIMED_OUT when the work is still going, and leaves the work going", async () => {
    let finish!: (value: string) => void;
    const work = new Promise<string>((resolve) => (finish = resolve));
    expect(await waitAtMost(work, 10)).toBe(TIMED_OUT);
    finish("done later");
    expect(await work).toBe("done later");
  });
});
