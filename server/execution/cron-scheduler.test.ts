/**
 * The embedded mode's cron timers: a tick more than 2^31-1 ms ahead (Node's longest timer) must
 * not fire early, and fires once when its time comes. Fake timers stand in for the year's wait.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { TimerCronScheduler } from "./cron-scheduler.js";

describe("TimerCronScheduler", () => {
  afterEach(() => vi.useRealTimers());

  it("waits out a tick further ahead than the longest timer, then fires it once", async () => {
    vi.useFakeTimers({ now: Date.parse("2026-01-02T00:00:00Z") });
    const scheduler = new TimerCronScheduler();
    const fired: string[] = [];
    await scheduler.upsert({ cron_id: "yearly", schedule: "0 0 1 1 *", timezone: "UTC", end_time: null });
    await scheduler.start(async (_cronId, tick) => void fired.push(tick));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fired).toEqual([]);
    await vi.advanceTimersByTimeAsync(Date.parse("2027-01-01T00:00:00Z") - Date.now());
    expect(fired).toEqual([String(Date.parse("2027-01-01T00:00:00Z"))]);
    await scheduler.close();
  });
});
