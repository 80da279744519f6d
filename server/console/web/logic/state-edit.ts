/** Forking from a checkpoint: what an edited state changes, sent as the update (reducers would add untouched channels twice). */

/** The top-level channels whose value differs between the checkpoint's state and the edited one. */
export function changedChannels(original: Record<string, unknown>, edited: Record<string, unknown>): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(edited)) if (JSON.stringify(value) !== JSON.stringify(original[key])) changes[key] = value;
  return changes;
}

/** Parses the edited state (a JSON object), or says what is wrong. */
export function parseEditedState(text: string): { values: Record<string, unknown> } | { problem: string } {
  try {
    const value = JSON.parse(text) as unknown;
    if (!value || typeof value !== "object" || Array.isArray(value)) return { problem: "The state must be a JSON object of channels." };
    return { values: value as Record<string, unknown> };
  } catch (error) {
    return { problem: `The state is not valid JSON: ${(error as Error).message}` };
  }
}
