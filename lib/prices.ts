/**
 * Model prices for the cost budget, in USD per million tokens. A run can pass its own table
 * (configurable `prices`) for gateways, fine-tunes or self-hosted models.
 */

/** Price of one model, USD per million tokens. */
export interface ModelPrice {
  inputPerMillion: number;
  outputPerMillion: number;
}

/** Prices by model name; a name matches exactly, or as a prefix followed by `-` (dated snapshots). */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

/** List prices of common OpenAI models (USD per 1M tokens); self-hosted and scripted models are free. */
export const DEFAULT_PRICES: PriceTable = Object.freeze({
  "gpt-4o": { inputPerMillion: 2.5, outputPerMillion: 10 },
  "gpt-4o-mini": { inputPerMillion: 0.15, outputPerMillion: 0.6 },
  "gpt-4.1": { inputPerMillion: 2, outputPerMillion: 8 },
  "gpt-4.1-mini": { inputPerMillion: 0.4, outputPerMillion: 1.6 },
  "gpt-4.1-nano": { inputPerMillion: 0.1, outputPerMillion: 0.4 },
  "o4-mini": { inputPerMillion: 1.1, outputPerMillion: 4.4 },
  scripted: { inputPerMillion: 0, outputPerMillion: 0 },
});

/** The price of `model`, or undefined when the table does not know it. */
export function priceOf(prices: PriceTable, model: string): ModelPrice | undefined {
  const exact = prices[model];
  if (exact) return exact;
  // Longest prefix first, so "gpt-4o-mini-2024-07-18" is not priced as "gpt-4o".
  const prefix = Object.keys(prices)
    .filter((name) => model.startsWith(`${name}-`))
    .sort((a, b) => b.length - a.length)[0];
  return prefix === undefined ? undefined : prices[prefix];
}

/** Cost in USD of one call; 0 for a model the table does not price. */
export function costOf(prices: PriceTable, model: string, inputTokens: number, outputTokens: number): number {
  const price = priceOf(prices, model);
  if (!price) return 0;
  return (inputTokens * price.inputPerMillion + outputTokens * price.outputPerMillion) / 1_000_000;
}
