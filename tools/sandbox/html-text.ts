/**
 * HTML to text for fetched pages, off the event loop: html-to-text in a worker thread (its
 * tokenizer is linear; depth and width are capped), under a deadline after which the worker is
 * killed. Fetched pages are untrusted input: a page built to be slow to convert costs its
 * worker, never the process.
 */
import { WorkerJobError, lazyWorkerPool } from "./worker-pool.js";

/** How long converting one page may take once a worker has it. */
export const HTML_DEADLINE_MS = 3_000;

const htmlPool = lazyWorkerPool({
  name: "HTML conversion",
  script: new URL("./html-worker.mjs", import.meta.url),
  size: 2,
  perKey: 1,
  resourceLimits: { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 16 },
  idleMs: 10 * 60_000,
});

/** Converts HTML to readable text in a worker; rejects with a reason a model can act on. */
export async function htmlToText(html: string, options: { signal?: AbortSignal; owner?: string } = {}): Promise<string> {
  try {
    const reply = await htmlPool().run<{ text?: string; error?: string }>(
      { html },
      { key: options.owner ?? "default", deadlineMs: HTML_DEADLINE_MS, ...(options.signal ? { signal: options.signal } : {}) },
    );
    if (reply.error !== undefined) throw new Error(`the page could not be converted to text: ${reply.error}`);
    return reply.text ?? "";
  } catch (error) {
    if (error instanceof WorkerJobError && error.failure === "timeout") {
      throw new Error(`converting the page to text took longer than ${HTML_DEADLINE_MS} ms and was stopped; try another page`);
    }
    throw error;
  }
}
