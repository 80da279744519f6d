/**
 * The linear CallbackManager.copy builds exactly what core's own copy builds (handlers, tags and
 * metadata, inheritable or not, repeated tags, additional handlers), so installing it changes
 * speed only. An upgrade of @langchain/core that changes copy() fails here.
 */
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { CallbackManager } from "@langchain/core/callbacks/manager";
import { describe, expect, it } from "vitest";
import { linearCallbackManagerCopy, originalCallbackManagerCopy } from "./callback-manager-copy.js";

class Named extends BaseCallbackHandler {
  constructor(readonly name: string) {
    super();
  }
}

function state(manager: CallbackManager) {
  const fields = manager as unknown as Record<string, unknown>;
  return {
    parent: fields._parentRunId,
    handlers: manager.handlers.map((handler) => handler.name),
    inheritableHandlers: manager.inheritableHandlers.map((handler) => handler.name),
    tags: manager.tags,
    inheritableTags: manager.inheritableTags,
    metadata: manager.metadata,
    metadataKeys: Object.keys(manager.metadata),
    inheritableMetadata: manager.inheritableMetadata,
    inheritableMetadataKeys: Object.keys(manager.inheritableMetadata),
  };
}

function sample(): CallbackManager {
  const manager = new CallbackManager("parent-run");
  manager.addHandler(new Named("a"), true);
  manager.addHandler(new Named("b"), false);
  manager.addHandler(new Named("console_callback_handler"), true);
  manager.addTags(["x", "y"], true);
  manager.addTags(["z"], false);
  // A repeated tag: addTags moves it to the end.
  (manager as unknown as { tags: string[] }).tags.push("x");
  manager.addMetadata({ graph_id: "g", thread_id: "t", 2: "numeric key first", nested: { deep: 1 } }, true);
  manager.addMetadata({ local_only: true, thread_id: "t2" }, false);
  // A key only the inheritable side has is dropped by copy().
  (manager as unknown as { inheritableMetadata: Record<string, unknown> }).inheritableMetadata.orphan = 1;
  return manager;
}

describe("linear CallbackManager.copy", () => {
  it("builds the same manager as core's copy, with and without additional handlers", () => {
    const extra = [new Named("c"), new Named("console_callback_handler")];
    for (const [additional, inherit] of [[[], true], [extra, true], [extra, false]] as const) {
      const manager = sample();
      const expected = state(originalCallbackManagerCopy.call(manager, [...additional], inherit));
      const actual = state(linearCallbackManagerCopy.call(manager, [...additional], inherit));
      expect(actual).toEqual(expected);
    }
  });

  it("leaves the source manager untouched", () => {
    const manager = sample();
    const before = structuredClone(state(manager));
    const copy = linearCallbackManagerCopy.call(manager);
    copy.addMetadata({ added: 1 });
    copy.addTags(["new"]);
    expect(state(manager)).toEqual(before);
  });
});
