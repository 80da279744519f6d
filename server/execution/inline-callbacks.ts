/**
 * Token events in the order the run produced them.
 *
 * LangGraph's `messages` stream mode puts model tokens into the graph's stream from a callback
 * handler (StreamMessagesHandler) that @langchain/core dispatches in the background: through one
 * process-wide queue shared with every tracer of every run. Under load that queue lags, and a
 * step's tokens reach the stream after the step's `values` (and `messages/complete`) — the
 * misorder clients saw with a dozen concurrent streams. LangGraph fixed the same race for its v3
 * handler by dispatching it inline (langgraphjs #2537) and Python LangGraph runs it inline too;
 * this callback manager does that for the v1 handler: when LangGraph adds it to a run, it is
 * marked `awaitHandlers`, so each token is in the graph's stream before the model call returns.
 * It is synchronous and cheap, and its work leaves the shared queue.
 */
import type { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { CallbackManager } from "@langchain/core/callbacks/manager";

/** LangGraph's handlers that write into the graph's own stream and so must run inline. */
const STREAM_WRITERS = new Set(["StreamMessagesHandler"]);

function inline(handler: BaseCallbackHandler): void {
  if (STREAM_WRITERS.has(handler.name)) handler.awaitHandlers = true;
}

/** A CallbackManager that dispatches LangGraph's stream-writing handlers inline; see the module comment. */
export class InlineStreamCallbacks extends CallbackManager {
  override addHandler(handler: BaseCallbackHandler, inherit?: boolean): void {
    inline(handler);
    super.addHandler(handler, inherit);
  }

  // LangGraph copies the run's callbacks before adding its handler: the copy must be one of these too.
  override copy(additionalHandlers: BaseCallbackHandler[] = [], inherit = true): CallbackManager {
    const plain = super.copy(additionalHandlers, inherit);
    plain.handlers.forEach(inline);
    return new InlineStreamCallbacks(plain._parentRunId, {
      handlers: plain.handlers,
      inheritableHandlers: plain.inheritableHandlers,
      tags: plain.tags,
      inheritableTags: plain.inheritableTags,
      metadata: plain.metadata,
      inheritableMetadata: plain.inheritableMetadata,
    });
  }
}

/** The run's callbacks as a manager that keeps token events in order (`handlers` = the run's own, e.g. its tracers). */
export function inlineStreamCallbacks(handlers: readonly unknown[] = []): InlineStreamCallbacks {
  const manager = new InlineStreamCallbacks();
  for (const handler of handlers) manager.addHandler(handler as BaseCallbackHandler, true);
  return manager;
}
