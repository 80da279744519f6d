/**
 * The model call of a specialist: its model (per agent, from the provider) with its tools bound
 * once per model, prompted with its system prompt plus the task's skills, then the history.
 */
import { SystemMessage, type AIMessage, type BaseMessage } from "@langchain/core/messages";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { Runnable } from "@langchain/core/runnables";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { ConfigError } from "../../lib/errors.js";
import type { ResolvedSpecialist } from "./spec.js";
import { toBindableTools } from "./tool-contract.js";

/** Calls the specialist's model on `history` with `skills` (a prompt section) added to its prompt. */
export type ModelCaller = (history: BaseMessage[], skills: string | null, config: LangGraphRunnableConfig) => Promise<AIMessage>;

/** The model call of `spec`; a model that cannot call tools is a configuration mistake, said at the first call. */
export function createModelCaller(spec: ResolvedSpecialist): ModelCaller {
  const bound = new WeakMap<BaseChatModel, Runnable<BaseMessage[], AIMessage>>();
  const bindModel = (model: BaseChatModel) => {
    let runnable = bound.get(model);
    if (!runnable) {
      const tools = spec.tools();
      if (tools.length > 0 && typeof model.bindTools !== "function") {
        throw new ConfigError(`The model of agent '${spec.name}' cannot call tools (no bindTools); give it a tool-calling model.`);
      }
      runnable = (tools.length > 0 ? model.bindTools!(toBindableTools(tools)) : model) as Runnable<BaseMessage[], AIMessage>;
      bound.set(model, runnable);
    }
    return runnable;
  };
  return (history, skills, config) => {
    const prompt = skills ? `${spec.prompt}\n\n${skills}` : spec.prompt;
    return bindModel(spec.models(spec.name)).invoke([new SystemMessage(prompt), ...history], config);
  };
}
