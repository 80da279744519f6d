/**
 * Markdown for the final answer, rendered with `marked`; raw HTML in the text is shown as text and
 * links keep to http(s), mailto and relative addresses, so a model's answer cannot run script.
 */
import { Marked } from "marked";

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&${{ "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "#39" }[c]!};`);
const SAFE_URL = /^(https?:|mailto:|#|\/(?!\/)|\.{0,2}\/)/i;

const marked = new Marked({
  gfm: true,
  breaks: true,
  renderer: {
    html: ({ text }) => escapeHtml(text),
    link({ href, tokens }) {
      const label = this.parser.parseInline(tokens);
      return SAFE_URL.test(href) ? `<a href="${escapeHtml(href)}" rel="noopener noreferrer" target="_blank">${label}</a>` : label;
    },
    image: ({ text }) => escapeHtml(text),
  },
});

/** The HTML of a Markdown text, safe to put in the page. */
export function renderMarkdown(text: string): string {
  return marked.parse(text, { async: false });
}
