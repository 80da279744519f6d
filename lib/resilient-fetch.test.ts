import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { CircuitBreakerRegistry } from "./models.js";
import { createResilientFetch } from "./resilient-fetch.js";

describe("createResilientFetch's waits between retries", () => {
  it("leave no abort listener on the caller's signal once they are over", async () => {
    let calls = 0;
    const flaky: typeof fetch = async () => (++calls < 4 ? new Response("busy", { status: 429, headers: { "retry-after-ms": "1" } }) : new Response("{}", { status: 200 }));
    const retrying = createResilientFetch(
      { endpoint: "http://127.0.0.1:9/v1", model: "m" },
      { maxRetries: 5, timeoutMs: 5_000, baseDelayMs: 1, maxDelayMs: 5, breakerThreshold: 100, breakerCooldownMs: 1_000 },
      { fetch: flaky, breakers: new CircuitBreakerRegistry(), random: () => 0 },
    );
    const caller = new AbortController();
    const response = await retrying("http://127.0.0.1:9/v1/chat/completions", { method: "POST", body: "{}", signal: caller.signal });
    expect(response.status).toBe(200);
    expect(calls).toBe(4);
    expect(getEventListeners(caller.signal, "abort")).toHaveLength(0);
  });

  it("stop with the caller's own reason when it aborts during a wait", async () => {
    const caller = new AbortController();
    const alwaysBusy: typeof fetch = async () => {
      setTimeout(() => caller.abort(new Error("user pressed stop")), 5);
      return new Response("busy", { status: 429, headers: { "retry-after-ms": "1000" } });
    };
    const retrying = createResilientFetch(
      { endpoint: "http://127.0.0.1:9/v1", model: "m" },
      { maxRetries: 3, timeoutMs: 5_000, baseDelayMs: 1, maxDelayMs: 5_000, breakerThreshold: 100, breakerCooldownMs: 1_000 },
      { fetch: alwaysBusy, breakers: new CircuitBreakerRegistry(), random: () => 0 },
    );
    await expect(retrying("http://127.0.0.1:9/v1/chat/completions", { method: "POST", body: "{}", signal: caller.signal })).rejects.toThrow("user pressed stop");
  });
});
