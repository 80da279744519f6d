/**
 * Stands in for `@langchain/core/messages` in the console's bundle. The SDK's client imports it
 * only to build message objects for its newer streaming protocol and its React helpers, neither
 * of which the console uses; the real module would bring @langchain/core and langsmith (about
 * 340 KB) into the page. Anything that reaches these throws, saying so.
 */
function unavailable(name: string): never {
  throw new Error(`The console's bundle leaves out @langchain/core (${name}): the SDK's message objects are not available here.`);
}

class Unavailable {
  constructor() {
    unavailable(new.target.name);
  }
}

/** Stub (see the file's comment). */
export class AIMessage extends Unavailable {}
/** Stub. */
export class HumanMessage extends Unavailable {}
/** Stub. */
export class RemoveMessage extends Unavailable {}
/** Stub. */
export class SystemMessage extends Unavailable {}
/** Stub. */
export class ToolMessage extends Unavailable {}
/** Stub. */
export class AIMessageChunk extends Unavailable {}
/** Stub. */
export class BaseMessageChunk extends Unavailable {}
/** Stub. */
export class HumanMessageChunk extends Unavailable {}
/** Stub. */
export class SystemMessageChunk extends Unavailable {}
/** Stub. */
export class ToolMessageChunk extends Unavailable {}
/** Stub. */
export const coerceMessageLikeToMessage = (): never => unavailable("coerceMessageLikeToMessage");
/** Stub. */
export const convertToChunk = (): never => unavailable("convertToChunk");
