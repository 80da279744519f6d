/** linkedAbort: aborts with the first source's reason, and leaves no listener on the sources once disposed. */
import { describe, expect, it } from "vitest";
import { getEventListeners } from "node:events";
import { linkedAbort } from "./linked-abort.js";

describe("linkedAbort", () => {
  it("aborts once any source does, with that source's reason, and lets go of the sources", () => {
    const a = new AbortController();
    const b = new AbortController();
    const linked = linkedAbort([a.signal, b.signal]);
    expect(linked.signal.aborted).toBe(false);
    b.abort(new Error("lost"));
    expect(linked.signal.aborted).toBe(true);
    expect((linked.signal.reason as Error).message).toBe("lost");
    expect(getEventListeners(a.signal, "abort")).toHaveLength(0);
  });

  it("starts aborted when a source is, and dispose removes its listeners from live sources", () => {
    const done = new AbortController();
    done.abort("already");
    expect(linkedAbort([new AbortController().signal, done.signal]).signal.reason).toBe("already");
    const live = new AbortController();
    const linked = linkedAbort([live.signal]);
    expect(getEventListeners(live.signal, "abort")).toHaveLength(1);
    linked.dispose();
    expect(getEventListeners(live.signal, "abort")).toHaveLength(0);
  });
});
