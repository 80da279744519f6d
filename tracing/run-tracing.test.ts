/**
 * A run's local trace is recorded inline: finishing it does not wait for core's process-wide
 * background callback queue, which other runs' slow handlers may hold for as long as they like.
 */
import { randomUUID } from "node:crypto";
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { RunnableLambda } from "@langchain/core/runnables";
import { describe, expect, it } from "vitest";
import { parseEnv } from "../lib/env.js";
import { createRunTracing } from "./run-tracing.js";
import { MemoryTraceStore } from "./trace-store.js";

/** A background handler (core's queue) that holds the queue until released. */
class HeldHandler extends BaseCallbackHandler {
  name = "held_handler";
  done = false;
  private release!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.release = resolve));

  constructor() {
    super({ _awaitHandler: false });
  }

  override async handleChainStart(): Promise<void> {
    await this.gate;
    this.done = true;
  }

  open(): void {
    this.release();
  }
}

describe("run tracing", () => {
  it("finishes a run's trace while another run's background handler still holds core's callback queue", async () => {
    const held = new HeldHandler();
    await RunnableLambda.from((x: number) => x + 1).invoke(1, { callbacks: [held] });

    const store = new MemoryTraceStore();
    const runId = randomUUID();
    const tracing = createRunTracing({ env: parseEnv({}), traceStore: store, runId, threadId: "t", graphId: "g" });
    await RunnableLambda.from((x: number) => x * 2).invoke(2, tracing.config);
    const trace = await tracing.finish();

    expect(held.done).toBe(false);
    expect(trace?.runId).toBe(runId);
    expect((await store.get(runId))?.runId).toBe(runId);
    held.open();
  });
});
