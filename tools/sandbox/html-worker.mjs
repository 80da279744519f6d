// Worker thread body of http_fetch's HTML-to-text step: html-to-text (htmlparser2's linear
// tokenizer) with limits on depth and children, so a hostile page costs time proportional to its
// size. Runs off the server's event loop; the pool kills it past its deadline. Posts { ready: true }
// once loaded, then answers { id, html } with { id, text }.
import { parentPort } from "node:worker_threads";
import { convert } from "html-to-text";

const OPTIONS = {
  wordwrap: false,
  // Deeply nested or very wide documents are cut, not walked recursively to the end.
  limits: { maxInputLength: 2 * 1024 * 1024, maxDepth: 100, maxChildNodes: 2_000, ellipsis: "…" },
  selectors: [
    { selector: "img", format: "skip" },
    { selector: "noscript", format: "skip" },
    { selector: "template", format: "skip" },
    { selector: "a", options: { hideLinkIfSameAsText: true } },
    { selector: "table", format: "dataTable", options: { uppercaseHeaderCells: false } },
    ...["h1", "h2", "h3", "h4", "h5", "h6"].map((selector) => ({ selector, options: { uppercase: false } })),
  ],
};

convert("<p>warm-up</p>", OPTIONS);
parentPort.postMessage({ ready: true });

parentPort.on("message", ({ id, html }) => {
  try {
    parentPort.postMessage({ id, text: convert(html, OPTIONS).replace(/\n{3,}/g, "\n\n").replace(/^\n+/, "").trimEnd() });
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
