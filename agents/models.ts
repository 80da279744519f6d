/**
 * Where agents get their chat models: a provider maps an agent name to a model. The default
 * provider reads the environment when a model is first needed (never at import): with an
 * endpoint configured it builds `ChatOpenAI` (per-agent override, retries, circuit breaker);
 * without one it hands out the offline demo's scripted model.
 */
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { getEnv } from "../lib/env.js";
import { ConfigError } from "../lib/errors.js";
import { createChatModel, isModelConfigured, type ModelEnv, type ResilienceDeps } from "../lib/models.js";
import { ScriptedChatModel } from "../lib/scripted/scripted-chat-model.js";
import { demoBrain } from "./demo-brain.js";

/** Returns the chat model an agent (or supervisor) uses. */
export type ModelProvider = (agent: string) => BaseChatModel;

/** Options of the default provider. */
export interface ModelProviderOptions {
  /** The environment, or a function reading it on first use (default: `getEnv`). */
  env?: ModelEnv | (() => ModelEnv);
  /** Retry/breaker services shared by the models (tests: no-op sleeps, a private breaker registry). */
  resilience?: ResilienceDeps;
}

/** Whether a provider hands out the offline demo model. */
export function isDemoModel(model: BaseChatModel): boolean {
  return model instanceof ScriptedChatModel && model.modelName === DEMO_MODEL_NAME;
}

/** The model name the offline demo reports. */
export const DEMO_MODEL_NAME = "scripted-demo";

/** The offline demo's scripted model. */
export function createDemoModel(): ScriptedChatModel {
  return new ScriptedChatModel({ respond: demoBrain, modelName: DEMO_MODEL_NAME, recordCalls: false });
}

/** The default provider: ChatOpenAI per agent when an endpoint is configured, else the demo model. */
export function createModelProvider(options: ModelProviderOptions = {}): ModelProvider {
  const cache = new Map<string, BaseChatModel>();
  let demo: BaseChatModel | undefined;
  return (agent) => {
    const env = typeof options.env === "function" ? options.env() : (options.env ?? getEnv());
    if (!isModelConfigured(env)) return (demo ??= createDemoModel());
    let model = cache.get(agent);
    if (!model) {
      model = createChatModel({ agent, env, ...(options.resilience ? { deps: options.resilience } : {}) });
      cache.set(agent, model);
    }
    return model;
  };
}

/** A provider that hands every agent the same model, or each its own from a map (tests, benchmarks). */
export function staticModels(models: BaseChatModel | Readonly<Record<string, BaseChatModel>>, fallback?: BaseChatModel): ModelProvider {
  if (!isModelMap(models)) return () => models;
  return (agent) => {
    const model = models[agent] ?? fallback;
    if (!model) throw new ConfigError(`No model for agent '${agent}': add it to the map or pass a fallback model.`);
    return model;
  };
}

function isModelMap(value: unknown): value is Readonly<Record<string, BaseChatModel>> {
  return typeof value === "object" && value !== null && !("invoke" in value);
}
