/**
 * Metadata that rides on every checkpoint a run writes: the server stamps its run's metadata,
 * the CLI the graph a thread runs, so a later `--resume` (in any process) knows which graph
 * the thread belongs to without being told.
 */
import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";

/** `saver` writing `metadata` into every checkpoint (under the loop's own: source, step, parents win). */
export function withCheckpointMetadata(saver: BaseCheckpointSaver, metadata: Record<string, unknown>): BaseCheckpointSaver {
  return new Proxy(saver, {
    get(target, property) {
      if (property === "put") {
        return (config: Parameters<BaseCheckpointSaver["put"]>[0], checkpoint: Parameters<BaseCheckpointSaver["put"]>[1], loop: Parameters<BaseCheckpointSaver["put"]>[2], versions: Parameters<BaseCheckpointSaver["put"]>[3]) =>
          target.put(config, checkpoint, { ...metadata, ...loop }, versions);
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
