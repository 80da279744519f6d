/**
 * A `fetch` for the OpenAI SDK that retries and trips a circuit breaker, so every client built on
 * it (ChatOpenAI's completions and responses APIs, OpenAIEmbeddings) shares one resilience policy.
 *
 * Why at the HTTP layer: here the status, `Retry-After` and timeouts are seen exactly, streaming
 * and non-streaming requests are handled alike, and the SDK's and LangChain's own retries can be
 * switched off (they would multiply with ours). A stream that breaks after its headers arrived is
 * not retried: the caller has already consumed part of it.
 */
import { BrokenCircuitError, ConsecutiveBreaker, circuitBreaker, handleWhen, type CircuitBreakerPolicy } from "cockatiel";
import type { ModelWaitEvent } from "./contracts/run.js";
import { UpstreamUnavailableError } from "./errors.js";
import { setTimeout as sleepFor } from "node:timers/promises";

/** How hard to try before giving up on a model endpoint. */
export interface ResilienceOptions {
  /** Retries after the first attempt (0 = no retry). */
  maxRetries: number;
  /** Per-attempt limit until response headers (and the whole body for non-streaming calls). */
  timeoutMs: number;
  /** First backoff step; doubles each retry (default 500 ms). */
  baseDelayMs?: number;
  /** Longest single wait, including a server's `Retry-After` (default 20 s); a longer `Retry-After` fails at once. */
  maxDelayMs?: number;
  /** Consecutive failed attempts (5xx, timeouts, connection errors) that open the breaker. */
  breakerThreshold: number;
  /** How long an open breaker fails fast before letting one trial call through. */
  breakerCooldownMs: number;
  /** How often a waiting attempt is reported (default: every 5 s, or half the per-attempt limit when shorter). */
  progressEveryMs?: number;
}

/** Injected effects, so tests need no real waiting and no randomness. */
export interface ResilienceDeps {
  /** Waits `ms`, rejecting if `signal` aborts (default: a timer). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Uniform [0, 1) for jitter (default Math.random). */
  random?: () => number;
  /** Shared breakers; one per endpoint + model (default: one registry per process). */
  breakers?: CircuitBreakerRegistry;
  /** The underlying fetch (default globalThis.fetch). */
  fetch?: typeof fetch;
  /** Told every few seconds while an attempt waits, and when one fails and is retried (default: nobody). */
  onWait?: (wait: Omit<ModelWaitEvent, "type" | "agent" | "model">) => void;
}

/** An attempt that failed in a way worth retrying. */
class AttemptFailure extends Error {
  constructor(
    message: string,
    readonly countsAsOutage: boolean,
    readonly retryAfterMs: number | undefined,
    readonly timedOut = false,
  ) {
    super(message);
  }
}

/** The wording `sdkSafe` hid from the SDK, restored once the error is past it (`restoreWording`). */
const hiddenWording = new WeakMap<Error, string>();

/** Gives an error from this fetch back the message it had before it went through the SDK. */
export function restoreWording<T>(error: T): T {
  const original = error instanceof Error ? hiddenWording.get(error) : undefined;
  if (original !== undefined) (error as Error).message = original;
  return error;
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

interface BreakerEntry {
  policy: CircuitBreakerPolicy;
  openedAt: number;
  cooldownMs: number;
  threshold: number;
}

/** Circuit breakers keyed by endpoint + model, shared by every client in the process. */
export class CircuitBreakerRegistry {
  private readonly entries = new Map<string, BreakerEntry>();

  /** The breaker for `key`, created on first use. */
  get(key: string, threshold: number, cooldownMs: number): BreakerEntry {
    let entry = this.entries.get(key);
    if (!entry) {
      const policy = circuitBreaker(
        handleWhen((error) => error instanceof AttemptFailure && error.countsAsOutage),
        { halfOpenAfter: cooldownMs, breaker: new ConsecutiveBreaker(threshold) },
      );
      const created: BreakerEntry = { policy, openedAt: 0, cooldownMs, threshold };
      // cockatiel reads Date.now() for the cool-down; record the same clock to say when it will retry.
      policy.onBreak(() => (created.openedAt = Date.now()));
      this.entries.set(key, created);
      entry = created;
    }
    return entry;
  }

  /** The breaker state of `key` (`closed` when never used). */
  state(key: string): "closed" | "open" | "half_open" | "isolated" {
    const state = this.entries.get(key)?.policy.state;
    return state === undefined ? "closed" : (["closed", "open", "half_open", "isolated"] as const)[state]!;
  }
}

let processBreakers: CircuitBreakerRegistry | undefined;

/** The process-wide breaker registry (created on first use, not at import). */
export function defaultBreakerRegistry(): CircuitBreakerRegistry {
  processBreakers ??= new CircuitBreakerRegistry();
  return processBreakers;
}

// Node's timers/promises removes its abort listener when the timer fires; a retry loop on a
// long-lived signal would otherwise gather one listener per wait.
const abortableSleep = (ms: number, signal?: AbortSignal) =>
  sleepFor(ms, undefined, signal ? { signal } : {}).catch((error: unknown) => {
    throw signal?.aborted ? signal.reason : error;
  });

/** Milliseconds a response asks us to wait (`retry-after-ms`, `retry-after` seconds or HTTP date). */
export function parseRetryAfter(headers: Headers, now = Date.now()): number | undefined {
  const ms = Number(headers.get("retry-after-ms"));
  if (headers.get("retry-after-ms") && Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get("retry-after");
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Backoff before retry `retry` (0-based): exponential with "equal jitter", never below Retry-After. */
export function backoffDelay(retry: number, options: { baseDelayMs: number; maxDelayMs: number }, random: () => number, retryAfterMs?: number): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retry);
  const jittered = ceiling / 2 + random() * (ceiling / 2);
  return Math.round(Math.max(jittered, retryAfterMs ?? 0));
}

/** The endpoint as shown in errors and logs: without credentials or query string. */
export function displayEndpoint(endpoint: string): string {
  try {
    const url = new URL(endpoint);
    url.username = "";
    url.password = "";
    url.search = "";
    return url.toString().replace(/\/$/, "");
  } catch {
    return "(invalid URL)";
  }
}

/**
 * The OpenAI SDK turns any fetch error whose text matches /timed? ?out/ into a bare
 * `APIConnectionTimeoutError`, dropping the error and its cause; our errors must survive
 * to the caller (see `surfaceUpstreamError`), so their text avoids that pattern.
 */
function sdkSafe(error: UpstreamUnavailableError): UpstreamUnavailableError {
  const safe = error.message.replace(/time(d)? ?out/gi, "time limit");
  if (safe !== error.message) hiddenWording.set(error, error.message);
  error.message = safe;
  return error;
}

/** Builds the resilient fetch for one endpoint + model. */
export function createResilientFetch(
  target: { endpoint: string; model: string },
  options: ResilienceOptions,
  deps: ResilienceDeps = {},
): typeof fetch {
  const sleep = deps.sleep ?? abortableSleep;
  const random = deps.random ?? Math.random;
  const baseFetch = deps.fetch ?? globalThis.fetch;
  const delays = { baseDelayMs: options.baseDelayMs ?? 500, maxDelayMs: options.maxDelayMs ?? 20_000 };
  const breakerKey = `${target.endpoint}|${target.model}`;
  const breaker = (deps.breakers ?? defaultBreakerRegistry()).get(breakerKey, options.breakerThreshold, options.breakerCooldownMs);
  const where = `model endpoint ${displayEndpoint(target.endpoint)} (model ${target.model})`;

  const attempts = options.maxRetries + 1;
  const everyMs = options.progressEveryMs ?? Math.max(250, Math.min(5_000, Math.floor(options.timeoutMs / 2)));

  const attempt = async (input: Parameters<typeof fetch>[0], init: RequestInit | undefined, streaming: boolean, number: number): Promise<Response> => {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new Error("attempt timed out")), options.timeoutMs);
    const startedAt = Date.now();
    const ticker = deps.onWait ? setInterval(() => deps.onWait!({ attempt: number, attempts, waitedMs: Date.now() - startedAt, limitMs: options.timeoutMs }), everyMs) : undefined;
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout.signal]) : timeout.signal;
    try {
      const response = await baseFetch(input, { ...init, signal });
      if (response.status === 429 || response.status === 408 || response.status >= 500) {
        const detail = (await response.text().catch(() => "")).slice(0, 300);
        throw new AttemptFailure(`HTTP ${response.status}${detail ? `: ${detail}` : ""}`, response.status !== 429, parseRetryAfter(response.headers));
      }
      // Non-streaming bodies are read inside the attempt, so a body that stalls also times out and is retried.
      if (streaming) return response;
      const body = await response.arrayBuffer();
      return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
    } catch (error) {
      if (init?.signal?.aborted) throw error;
      if (error instanceof AttemptFailure) throw error;
      if (timeout.signal.aborted) throw new AttemptFailure(`no response within ${seconds(options.timeoutMs)}`, true, undefined, true);
      const reason = (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message;
      throw new AttemptFailure(`connection failed: ${reason}`, true, undefined);
    } finally {
      clearTimeout(timer);
      clearInterval(ticker);
    }
  };

  return async function resilientFetch(input, init) {
    const streaming = typeof init?.body === "string" && /"stream"\s*:\s*true/.test(init.body);
    const operation = `${init?.method ?? "GET"} ${new URL(String(input instanceof Request ? input.url : input)).pathname}`;
    let timeouts = 0;
    for (let retry = 0; ; retry += 1) {
      try {
        return await breaker.policy.execute(() => attempt(input, init, streaming, retry + 1));
      } catch (error) {
        if (error instanceof BrokenCircuitError) {
          const retryAt = breaker.openedAt + breaker.cooldownMs;
          const seconds = Math.max(1, Math.ceil((retryAt - Date.now()) / 1000));
          throw new UpstreamUnavailableError(
            where,
            operation,
            `The ${where} failed ${breaker.threshold} times in a row; calls fail fast until ${new Date(retryAt).toISOString()} (in ${seconds} s), then one trial call is let through.`,
            { retryAfterSeconds: seconds },
          );
        }
        if (!(error instanceof AttemptFailure)) throw error;
        const wait = backoffDelay(retry, delays, random, error.retryAfterMs);
        const retryAfterSeconds = Math.max(1, Math.ceil(wait / 1000));
        if (error.timedOut) timeouts += 1;
        if (retry >= options.maxRetries || (error.retryAfterMs ?? 0) > delays.maxDelayMs) {
          const message =
            timeouts === retry + 1
              ? `Timed out: the ${where} gave no response within ${seconds(options.timeoutMs)} on any of ${retry + 1} attempt(s). Check that it runs and is not overloaded, or raise OPENAI_TIMEOUT_MS (a slow local model may need 120000).`
              : `The ${where} failed after ${retry + 1} attempt(s); last: ${error.timedOut ? "timed out, " : ""}${error.message}. Check the endpoint, or allow more retries or a longer per-attempt limit.`;
          throw sdkSafe(new UpstreamUnavailableError(where, operation, message, { retryAfterSeconds }));
        }
        deps.onWait?.({ attempt: retry + 1, attempts, waitedMs: 0, limitMs: options.timeoutMs, retry: `${error.message}; retrying in ${seconds(wait)}` });
        await sleep(wait, init?.signal ?? undefined);
      }
    }
  };
}
