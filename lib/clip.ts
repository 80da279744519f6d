/** Cutting long text for what is kept (traces, eval reports), saying how much was cut. */

/** `text` cut to `max` characters with a note of how many more there were; unchanged when it fits. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… [${text.length - max} more characters]`;
}
