/**
 * JSON for the wire: LangChain objects (messages, documents) are written as their `toDict()`
 * data plus `type`, the shape the SDK and Studio expect; everything else as plain JSON.
 */

/** Serializes a value the way the LangGraph API does. */
export function serializeForApi(value: unknown): string {
  return JSON.stringify(value ?? null, function replacer(this: Record<string, unknown>, key: string, current: unknown) {
    const raw = this[key] as { toDict?: () => { type: string; data: Record<string, unknown> } } | null | undefined;
    if (raw !== null && typeof raw === "object" && typeof raw.toDict === "function") {
      const { type, data } = raw.toDict();
      return { ...data, type };
    }
    return current;
  });
}

/** An error as the API reports it: `{ error, message }`. */
export function serializeError(error: unknown): { error: string; message: string } {
  if (error instanceof Error) return { error: error.name, message: error.message };
  return { error: "Error", message: typeof error === "string" ? error : JSON.stringify(error) };
}
