/**
 * RedisWatchdog: a Redis that stops answering fails guarded requests within the deadline, but an
 * event loop blocked for longer than the deadline (the ping's reply waiting unread) does not.
 */
import { describe, expect, it } from "vitest";
import { RedisWatchdog } from "./redis-watchdog.js";

const DEADLINE_MS = 200;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
function blockLoop(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy: nothing else runs, as under a heap snapshot or a starved CPU
  }
}

describe("RedisWatchdog", () => {
  it("fails a guarded request once Redis stops answering", async () => {
    let hung = false;
    const watchdog = new RedisWatchdog(() => (hung ? new Promise(() => {}) : Promise.resolve("PONG")), { deadlineMs: DEADLINE_MS }).start();
    try {
      await sleep(60);
      expect(watchdog.answering()).toBe(true);
      hung = true;
      await expect(watchdog.guard(new Promise(() => {}), "GET /threads")).rejects.toThrow(/not answered/);
      expect(watchdog.answering()).toBe(false);
    } finally {
      watchdog.stop();
    }
  }, 30_000);

  it("does not take a blocked event loop for a silent Redis", async () => {
    const watchdog = new RedisWatchdog(() => Promise.resolve("PONG"), { deadlineMs: DEADLINE_MS }).start();
    try {
      await sleep(60);
      blockLoop(3 * DEADLINE_MS);
      // Right after the block, before any tick: not judged as silence.
      expect(watchdog.answering()).toBe(true);
      await expect(watchdog.guard(sleep(DEADLINE_MS), "GET /threads")).resolves.toBeUndefined();
      expect(watchdog.answering()).toBe(true);
    } finally {
      watchdog.stop();
    }
  });
});
