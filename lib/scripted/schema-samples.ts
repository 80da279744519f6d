/**
 * Values that satisfy a JSON schema (the subset tool and structured-output schemas use:
 * objects, arrays, strings, numbers, integers, booleans, enums, unions, bounds). Scripted and
 * random models use it to make valid tool calls and routing decisions for any schema.
 */

/** A JSON schema, as `bindTools` hands it to a model. */
export type JsonSchema = Record<string, unknown>;

/** A source of randomness in [0, 1). */
export type Random = () => number;

/** A seeded PRNG (mulberry32), so a failing fuzz run can be replayed from its seed. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ["paris", "berlin", "population", "growth", "report", "2024", "compare", "summary", "data", "trend"];

/** Options of a sample. */
export interface SampleOptions {
  /** Randomness; without it the sample is the minimal valid value. */
  random?: Random;
  /** Preferred text for string fields (e.g. the task at hand). */
  text?: string;
  /** Maximum nesting depth (guards recursive schemas). */
  depth?: number;
}

/** A value that validates against `schema`. */
export function sampleFromSchema(schema: JsonSchema, options: SampleOptions = {}): unknown {
  const random = options.random;
  const depth = options.depth ?? 0;
  const pick = <T>(items: readonly T[]): T => items[random ? Math.floor(random() * items.length) : 0]!;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return pick(schema.enum);
  if ("const" in schema) return schema.const;
  const union = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(union) && union.length > 0) {
    const concrete = union.filter((option) => option.type !== "null");
    return sampleFromSchema(pick(concrete.length > 0 ? concrete : union), { ...options, depth: depth + 1 });
  }
  const type = Array.isArray(schema.type) ? pick((schema.type as string[]).filter((t) => t !== "null")) : schema.type;
  switch (type) {
    case "object":
      return sampleObject(schema, options, depth);
    case "array": {
      const min = Number(schema.minItems ?? 0);
      const max = Math.min(Number(schema.maxItems ?? min + 3), min + 3);
      const length = random ? min + Math.floor(random() * (max - min + 1)) : Math.max(min, 1);
      const items = (schema.items ?? {}) as JsonSchema;
      return depth > 4 ? [] : Array.from({ length }, () => sampleFromSchema(items, { ...options, depth: depth + 1 }));
    }
    case "integer":
    case "number": {
      const min = Number(schema.minimum ?? (schema.exclusiveMinimum !== undefined ? Number(schema.exclusiveMinimum) + 1 : 0));
      const max = Number(schema.maximum ?? (schema.exclusiveMaximum !== undefined ? Number(schema.exclusiveMaximum) - 1 : min + 100));
      const value = random ? min + random() * (max - min) : min;
      return type === "integer" ? Math.min(max, Math.ceil(value)) : value;
    }
    case "boolean":
      return random ? random() < 0.5 : false;
    case "null":
      return null;
    default:
      return sampleString(schema, options);
  }
}

function sampleObject(schema: JsonSchema, options: SampleOptions, depth: number): Record<string, unknown> {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  const out: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(properties)) {
    // Optional fields appear at random (or never in a minimal sample).
    if (!required.has(key) && (!options.random || options.random() < 0.5)) continue;
    out[key] = sampleFromSchema(property, { ...options, depth: depth + 1 });
  }
  return out;
}

function sampleString(schema: JsonSchema, options: SampleOptions): string {
  const min = Number(schema.minLength ?? 1);
  const max = Number(schema.maxLength ?? 200);
  if (schema.format === "uri" || schema.format === "url") return "https://example.com/";
  if (schema.format === "email") return "someone@example.com";
  let text = options.text ?? "";
  if (options.random || text === "") {
    const count = 1 + Math.floor((options.random ?? (() => 0))() * 6);
    const words = Array.from({ length: count }, () => WORDS[Math.floor((options.random ?? (() => 0))() * WORDS.length)]!);
    text = options.random ? words.join(" ") : text || "sample";
  }
  while (text.length < min) text += " x";
  return text.slice(0, Math.max(min, max));
}
