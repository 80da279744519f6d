/** The Memory page's search: the store ranks by meaning when it has an embeddings index; without one, the text is matched here. */

/** A store item as the API answers it (what is read here). */
export interface StoreItemLike {
  key: string;
  value: unknown;
  score?: number | null;
}

/** The items to show for a search text: as ranked when the store scored them, else those containing the text. */
export function matchingItems<T extends StoreItemLike>(items: T[], text: string): T[] {
  const needle = text.trim().toLowerCase();
  if (!needle) return items;
  if (items.some((item) => typeof item.score === "number")) return items;
  return items.filter((item) => `${item.key} ${JSON.stringify(item.value)}`.toLowerCase().includes(needle));
}
