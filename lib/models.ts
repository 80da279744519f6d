/**
 * Chat models for every agent: `ChatOpenAI` against any OpenAI-compatible endpoint, configured
 * from the environment, with retries, backoff and a circuit breaker in `resilient-fetch.ts`.
 * LangChain's and the SDK's own retries are off (ours replace them; stacked retries multiply).
 */
import type { BaseMessage } from "@langchain/core/messages";
import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import type { ChatGenerationChunk, ChatResult } from "@langchain/core/outputs";
import { AsyncLocalStorageProviderSingleton } from "@langchain/core/singletons";
import { ChatOpenAI, type ChatOpenAIFields } from "@langchain/openai";
import type { ModelWaitEvent } from "./contracts/run.js";
import type { Env } from "./env.js";
import { ConfigError, UpstreamUnavailableError } from "./errors.js";
import { createResilientFetch, restoreWording, type ResilienceDeps, type ResilienceOptions } from "./resilient-fetch.js";

export { CircuitBreakerRegistry, defaultBreakerRegistry, type ResilienceDeps, type ResilienceOptions } from "./resilient-fetch.js";

/** The OpenAI API's own endpoint, used when `OPENAI_BASE_URL` is unset. */
export const DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1";

/** Settings of the model factory, taken from the environment. */
export type ModelEnv = Pick<
  Env,
  | "OPENAI_API_KEY"
  | "OPENAI_BASE_URL"
  | "OPENAI_MODEL"
  | "OPENAI_AGENT_MODELS"
  | "OPENAI_TIMEOUT_MS"
  | "OPENAI_MAX_RETRIES"
  | "OPENAI_BREAKER_THRESHOLD"
  | "OPENAI_BREAKER_COOLDOWN_MS"
>;

/** Whether a model endpoint is configured; when not, the CLI runs its offline scripted demo. */
export function isModelConfigured(env: Pick<Env, "OPENAI_API_KEY" | "OPENAI_BASE_URL">): boolean {
  return Boolean(env.OPENAI_API_KEY || env.OPENAI_BASE_URL);
}

/** The model name an agent uses: its `OPENAI_AGENT_MODELS` entry, else `OPENAI_MODEL`. */
export function resolveModelName(env: Pick<Env, "OPENAI_MODEL" | "OPENAI_AGENT_MODELS">, agent?: string): string {
  return (agent && env.OPENAI_AGENT_MODELS[agent]) || env.OPENAI_MODEL;
}

/** Options of `createChatModel`. */
export interface CreateChatModelOptions {
  /** The agent the model is for (selects its per-agent model override). */
  agent?: string;
  /** The parsed environment (`getEnv()` in main, `parseEnv({...})` in tests). */
  env: ModelEnv;
  /** Extra ChatOpenAI fields (e.g. `temperature`); endpoint, key, model and retries are set here. */
  fields?: Omit<ChatOpenAIFields, "apiKey" | "configuration" | "maxRetries" | "timeout">;
  /** Overrides of the retry/breaker settings from the environment. */
  resilience?: Partial<ResilienceOptions>;
  /** Injected clock-free effects and shared breakers (tests). */
  deps?: ResilienceDeps;
}

/**
 * A ChatOpenAI whose calls surface `UpstreamUnavailableError` as itself: the SDK wraps errors
 * thrown by `fetch` in its own connection error, which would hide who is at fault.
 */
export class ResilientChatOpenAI extends ChatOpenAI {
  /** Traces and serialization name the model as LangChain does: the resilience is plumbing, not another model. */
  override get lc_id(): string[] {
    return [...this.lc_namespace, "ChatOpenAI"];
  }

  /**
   * ChatOpenAI's own `withConfig` (which `bindTools` uses) builds a plain ChatOpenAI, so a bound
   * model would lose the overrides below and report a timeout as "Connection error.".
   */
  override withConfig(config: Partial<this["ParsedCallOptions"]>): ReturnType<ChatOpenAI["withConfig"]> {
    const model = new ResilientChatOpenAI(this.fields);
    model.defaultOptions = { ...this.defaultOptions, ...config };
    return model as unknown as ReturnType<ChatOpenAI["withConfig"]>;
  }

  override async _generate(messages: BaseMessage[], options: this["ParsedCallOptions"], runManager?: CallbackManagerForLLMRun): Promise<ChatResult> {
    try {
      return await super._generate(messages, options, runManager);
    } catch (error) {
      throw surfaceUpstreamError(error);
    }
  }

  override async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    try {
      yield* super._streamResponseChunks(messages, options, runManager);
    } catch (error) {
      throw surfaceUpstreamError(error);
    }
  }

  override async *_streamChatModelEvents(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ): ReturnType<ChatOpenAI["_streamChatModelEvents"]> {
    try {
      yield* super._streamChatModelEvents(messages, options, runManager);
    } catch (error) {
      throw surfaceUpstreamError(error);
    }
  }
}

/** Returns the `UpstreamUnavailableError` inside an error's cause chain, or the error itself. */
export function surfaceUpstreamError(error: unknown): unknown {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
    if (current instanceof UpstreamUnavailableError) return restoreWording(current);
  }
  return error;
}

/**
 * Writes a model-wait event to the stream of the run whose node made the call (LangGraph keeps
 * the run's config, with its stream writer, in async-local storage): the CLI shows it as a line,
 * the server sends it as a `custom` event. Outside a run it goes nowhere.
 */
export function reportWaitToRun(agent: string, model: string): NonNullable<ResilienceDeps["onWait"]> {
  return (wait) => {
    const config = AsyncLocalStorageProviderSingleton.getRunnableConfig() as { writer?: unknown; configurable?: { writer?: unknown } } | undefined;
    const writer = config?.writer ?? config?.configurable?.writer;
    const event: ModelWaitEvent = { type: "model_wait", agent, model, ...wait };
    if (typeof writer === "function") (writer as (chunk: unknown) => void)(event);
  };
}

/** Builds the chat model for an agent; throws ConfigError when no endpoint is configured. */
export function createChatModel(options: CreateChatModelOptions): ResilientChatOpenAI {
  const { env } = options;
  if (!isModelConfigured(env)) {
    throw new ConfigError(
      "No model endpoint is configured: set OPENAI_API_KEY (OpenAI) or OPENAI_BASE_URL (any OpenAI-compatible server), or run the offline demo.",
      { setting: "OPENAI_API_KEY" },
    );
  }
  const model = resolveModelName(env, options.agent);
  const endpoint = env.OPENAI_BASE_URL ?? DEFAULT_OPENAI_BASE_URL;
  const resilience: ResilienceOptions = {
    maxRetries: env.OPENAI_MAX_RETRIES,
    timeoutMs: env.OPENAI_TIMEOUT_MS,
    breakerThreshold: env.OPENAI_BREAKER_THRESHOLD,
    breakerCooldownMs: env.OPENAI_BREAKER_COOLDOWN_MS,
    ...options.resilience,
  };
  const maxDelayMs = resilience.maxDelayMs ?? 20_000;
  return new ResilientChatOpenAI({
    streamUsage: true,
    ...options.fields,
    model,
    // Local servers (Ollama, vLLM) accept any key; the SDK refuses to start without one.
    apiKey: env.OPENAI_API_KEY ?? "not-needed",
    maxRetries: 0,
    // The SDK's own limit must outlast all our attempts and waits; ours is per attempt.
    timeout: (resilience.maxRetries + 1) * (resilience.timeoutMs + maxDelayMs) + 1_000,
    configuration: { baseURL: endpoint, fetch: createResilientFetch({ endpoint, model }, resilience, { onWait: reportWaitToRun(options.agent ?? "model", model), ...options.deps }) },
  });
}
