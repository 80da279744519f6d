import { CoarseDeadlines, DeadlineExceededError } from "./deadlines.js";

describe("CoarseDeadlines", () => {
  it("passes results and errors through unchanged", async () => {
    const deadlines = new CoarseDeadlines(1_000);
    await expect(deadlines.track(Promise.resolve(42), "answer")).resolves.toBe(42);
    await expect(deadlines.track(Promise.reject(new Error("refused")), "answer")).rejects.toThrow("refused");
  });

  it("rejects a call that outlives its deadline, naming it, with a network-timeout code", async () => {
    const deadlines = new CoarseDeadlines(40);
    const never = new Promise<never>(() => {});
    const error = await deadlines.track(never, "Redis script").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(error).toMatchObject({ code: "ETIMEDOUT", message: "Redis script got no reply within 40 ms" });
  });

  it("does not reject calls that settled before the sweep, and a late settle of an expired call is ignored", async () => {
    const deadlines = new CoarseDeadlines(40);
    let settle: (value: string) => void = () => {};
    const slow = deadlines.track(new Promise<string>((resolve) => (settle = resolve)), "slow");
    const fast = deadlines.track(new Promise<string>((resolve) => setTimeout(() => resolve("fast"), 5)), "fast");
    await expect(fast).resolves.toBe("fast");
    await expect(slow).rejects.toBeInstanceOf(DeadlineExceededError);
    settle("too late");
    await expect(slow).rejects.toBeInstanceOf(DeadlineExceededError);
  });

  it("with a timeout of 0 waits forever (returns the call itself)", () => {
    const work = Promise.resolve(1);
    expect(new CoarseDeadlines(0).track(work, "x")).toBe(work);
  });
});
