/**
 * Workaround for @langchain/core 1.4.0: `CallbackManager.copy()` is quadratic in the number of
 * metadata keys (it re-adds every key one by one, spreading the whole object and scanning the
 * inheritable keys each time). LangChain copies a manager for every child runnable of a traced
 * run, so with a callback handler attached a trivial 3-node graph spent about a third of a
 * millisecond per run in it (13 metadata keys; the server's tracing attaches a handler to every
 * run). `installLinearCallbackCopy` replaces the method with one that builds the same manager in
 * one pass; `callback-manager-copy.test.ts` pins that both give identical managers, so an upgrade
 * that changes the original's behaviour fails the test instead of drifting silently.
 */
import { CallbackManager } from "@langchain/core/callbacks/manager";
import type { BaseCallbackHandler } from "@langchain/core/callbacks/base";

interface ManagerFields {
  _parentRunId?: string;
  handlers: BaseCallbackHandler[];
  inheritableHandlers: BaseCallbackHandler[];
  tags: string[];
  inheritableTags: string[];
  metadata: Record<string, unknown>;
  inheritableMetadata: Record<string, unknown>;
}

type Copy = (this: CallbackManager, additionalHandlers?: BaseCallbackHandler[], inherit?: boolean) => CallbackManager;

/** The library's own `copy`, kept for the equivalence test. */
export const originalCallbackManagerCopy: Copy = CallbackManager.prototype.copy;

/** The same result as the original `copy`, in one pass over handlers, tags and metadata. */
export const linearCallbackManagerCopy: Copy = function copy(this: CallbackManager, additionalHandlers = [], inherit = true) {
  const source = this as unknown as ManagerFields;
  const manager = new CallbackManager(source._parentRunId);
  const target = manager as unknown as ManagerFields;
  const inheritableHandlers = new Set(source.inheritableHandlers);
  for (const handler of source.handlers) manager.addHandler(handler, inheritableHandlers.has(handler));
  // addTags() moves a repeated tag to the end: keep each tag's last occurrence, in order.
  const seen = new Set<string>();
  const tags: string[] = [];
  for (let index = source.tags.length - 1; index >= 0; index -= 1) {
    const tag = source.tags[index]!;
    if (!seen.has(tag)) tags.push(tag);
    seen.add(tag);
  }
  tags.reverse();
  const inheritableTags = new Set(source.inheritableTags);
  target.tags = tags;
  target.inheritableTags = tags.filter((tag) => inheritableTags.has(tag));
  const inheritableKeys = new Set(Object.keys(source.inheritableMetadata));
  target.metadata = { ...source.metadata };
  target.inheritableMetadata = {};
  for (const key of Object.keys(source.metadata)) if (inheritableKeys.has(key)) target.inheritableMetadata[key] = source.metadata[key];
  for (const handler of additionalHandlers) {
    if (manager.handlers.filter((existing) => existing.name === "console_callback_handler").some((existing) => existing.name === handler.name)) continue;
    manager.addHandler(handler, inherit);
  }
  return manager;
};

/** Replaces `CallbackManager.prototype.copy` with the linear version (idempotent). */
export function installLinearCallbackCopy(): void {
  CallbackManager.prototype.copy = linearCallbackManagerCopy;
}
