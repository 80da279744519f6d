/**
 * Checks that what one reader of a run's SSE stream received is in the order the run produced
 * it: by event id (0, 1, 2, … from the first event read, no gap, no repeat) and by content (no
 * `messages/partial` of a message after a `messages/complete` or a `values` event that already
 * carried it whole).
 */

/** One SSE event as the SDK yields it. */
export interface StreamedEvent {
  id?: string;
  event: string;
  data: unknown;
}

/** What a reader got wrong; empty = in order. */
export interface OrderReport {
  events: number;
  /** Ids that were not the one expected next (missing, repeated, non-numeric, out of order). */
  idProblems: string[];
  /** Partials of a message that arrived after the message was complete. */
  lateParts: string[];
}

function messageIds(value: unknown): string[] {
  const messages = (value as { messages?: unknown } | null)?.messages;
  if (!Array.isArray(messages)) return [];
  return messages.map((message) => (message as { id?: unknown })?.id).filter((id): id is string => typeof id === "string");
}

/** Checks one reader's events; `firstId` is the id the reader should start at (0 from the start, N+1 after Last-Event-ID N). */
export function checkRunOrder(events: StreamedEvent[], firstId = 0): OrderReport {
  const report: OrderReport = { events: events.length, idProblems: [], lateParts: [] };
  const complete = new Set<string>();
  events.forEach((event, index) => {
    const expected = String(firstId + index);
    if (event.id !== expected) report.idProblems.push(`#${index} ${event.event}: id ${event.id ?? "(none)"}, expected ${expected}`);
    if (event.event === "messages/complete" && Array.isArray(event.data)) {
      for (const message of event.data as { id?: string }[]) if (message.id) complete.add(message.id);
    } else if (event.event === "values") {
      for (const id of messageIds(event.data)) complete.add(id);
    } else if (event.event === "messages/partial" && Array.isArray(event.data)) {
      for (const message of event.data as { id?: string }[]) {
        if (message.id && complete.has(message.id)) report.lateParts.push(`#${index} partial of ${message.id} after it was complete`);
      }
    }
  });
  return report;
}

/** Whether a report found nothing wrong. */
export const inOrder = (report: OrderReport): boolean => report.idProblems.length === 0 && report.lateParts.length === 0;
