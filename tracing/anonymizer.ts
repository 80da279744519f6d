/**
 * Redacts secrets from everything a trace keeps or sends: API keys, bearer tokens, credentials
 * in URLs (LangSmith's curated `DEFAULT_SECRET_RULES`), the configured keys themselves, and the
 * values of fields a tool marks as secret, wherever they show up later (a model that repeats
 * a token in its answer, a JSON string holding the arguments).
 */
import { DEFAULT_SECRET_RULES } from "langsmith/anonymizer";
import { LRUCache } from "lru-cache";

/** What replaces a secret. */
export const REDACTED = "[redacted]";

/** Field names that always hold secrets, whatever the tool says. */
export const DEFAULT_SECRET_FIELDS: readonly string[] = [
  "api_key", "apikey", "x-api-key", "token", "access_token", "refresh_token", "id_token", "auth_token",
  "password", "passwd", "secret", "client_secret", "authorization", "private_key", "cookie", "set-cookie",
];

/** Options of `createTraceAnonymizer`. */
export interface TraceAnonymizerOptions {
  /** Field names tools mark as secret (`secretFields` of their specs). */
  secretFields?: Iterable<string>;
  /** Exact secret values to remove wherever they appear (e.g. the configured API keys). */
  secretValues?: Iterable<string | undefined>;
  /** How many secret values seen in secret fields to remember (default 1,000). */
  rememberValues?: number;
}

/** Removes secrets from a value (a deep copy; the input is not changed). */
export type TraceAnonymizer = <T>(data: T) => T;

const MIN_SECRET_LENGTH = 6;
const MAX_DEPTH = 32;

/** Builds the anonymizer used for LangSmith (client `anonymizer`) and for the local traces. */
export function createTraceAnonymizer(options: TraceAnonymizerOptions = {}): TraceAnonymizer {
  const fields = new Set([...DEFAULT_SECRET_FIELDS, ...(options.secretFields ?? [])].map((name) => name.toLowerCase()));
  const known = new LRUCache<string, true>({ max: options.rememberValues ?? 1_000 });
  // `"token": "value"` inside strings (tool-call arguments travel as JSON text), escaped or not.
  const fieldPattern = new RegExp(`(\\\\?["'](?:${[...fields].map(escapeRegExp).join("|")})\\\\?["']\\s*:\\s*\\\\?["'])((?:[^"'\\\\]|\\\\(?!["']))*)`, "gi");
  let learned = 0;
  const remember = (value: string) => {
    if (value.length < MIN_SECRET_LENGTH || value === REDACTED || known.has(value)) return;
    known.set(value, true);
    learned += 1;
  };
  for (const value of options.secretValues ?? []) if (value) remember(value);

  const scrubString = (text: string): string => {
    let out = text.replace(fieldPattern, (_, prefix: string, value: string) => {
      remember(value);
      return `${prefix}${REDACTED}`;
    });
    for (const secret of known.keys()) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    // LangSmith's rules cost ~25 regex passes; most strings hold none of their markers.
    if (MARKERS.test(out)) {
      for (const rule of DEFAULT_SECRET_RULES) {
        const pattern = typeof rule.pattern === "string" ? new RegExp(rule.pattern, "g") : rule.pattern;
        out = out.replace(pattern, rule.replace ?? REDACTED);
        pattern.lastIndex = 0;
      }
    }
    return out;
  };

  const scrub = (value: unknown, key: string | undefined, depth: number): unknown => {
    if (key !== undefined && fields.has(key.toLowerCase()) && value !== null && value !== undefined && typeof value !== "boolean") {
      if (typeof value === "string") remember(value);
      return REDACTED;
    }
    if (typeof value === "string") return scrubString(value);
    if (depth > MAX_DEPTH || value === null || typeof value !== "object") return value;
    if (Array.isArray(value)) return value.map((item) => scrub(item, undefined, depth + 1));
    if (typeof (value as { toJSON?: unknown }).toJSON === "function") return scrub(JSON.parse(JSON.stringify(value)), key, depth);
    return Object.fromEntries(Object.entries(value).map(([name, nested]) => [name, scrub(nested, name, depth + 1)]));
  };

  return <T>(data: T): T => {
    if (data === null || data === undefined) return data;
    const before = learned;
    const out = scrub(data, undefined, 0);
    // A secret learned mid-walk may also sit in a string scrubbed before it: walk once more.
    return (learned === before ? out : scrub(data, undefined, 0)) as T;
  };
}

/** Cheap test for anything LangSmith's secret rules could match (prefixes, keywords, URL credentials). */
const MARKERS = /sk-|sk_|rk_|lsv2_|ls__|gh[pousr]_|github_pat_|glpat-|AKIA|ASIA|ABIA|ACCA|A3T|AIza|ya29\.|xox|xapp-|hooks\.slack|npm_|pypi-|SG\.|eyJ|-----BEGIN|KEY|SECRET|TOKEN|PASSW|AUTH|BEARER|BASIC|:\/\/[^\s/@]*:[^\s/@]*@/i;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&");
}
