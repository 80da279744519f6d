/** zod schemas of the runs routes' bodies and queries. */
import { z } from "zod";
import { checkpointSchema, commandSchema, configSchema, jsonObject } from "../../http/schemas.js";
import { STREAM_MODES } from "../../execution/stream-modes.js";

const streamMode = z.enum(STREAM_MODES);
const nodeList = z.union([z.literal("*"), z.array(z.string().max(256)).max(100)]);

/** Body of every run-creating route. */
export const runCreateSchema = z.object({
  assistant_id: z.string().min(1).max(256),
  input: z.unknown().optional(),
  command: commandSchema.nullish(),
  metadata: jsonObject.nullish(),
  config: configSchema.nullish(),
  context: z.unknown().optional(),
  checkpoint_id: z.string().max(256).nullish(),
  checkpoint: checkpointSchema.nullish(),
  stream_mode: z.union([streamMode, z.array(streamMode).max(STREAM_MODES.length)]).nullish(),
  stream_subgraphs: z.boolean().nullish(),
  stream_resumable: z.boolean().nullish(),
  interrupt_before: nodeList.nullish(),
  interrupt_after: nodeList.nullish(),
  multitask_strategy: z.enum(["reject", "interrupt", "rollback", "enqueue"]).nullish(),
  if_not_exists: z.enum(["create", "reject"]).nullish(),
  on_completion: z.enum(["delete", "keep"]).nullish(),
  on_disconnect: z.enum(["cancel", "continue"]).nullish(),
  after_seconds: z.number().min(0).max(366 * 24 * 3600).nullish(),
  webhook: z.string().max(2048).nullish(),
  feedback_keys: z.union([z.string(), z.array(z.string())]).nullish(),
  durability: z.string().nullish(),
});

/** A validated run-create body. */
export type RunCreateBody = z.infer<typeof runCreateSchema>;

/** Query of GET /threads/:id/runs. */
export const runListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  offset: z.coerce.number().int().min(0).optional(),
  status: z.enum(["pending", "running", "success", "error", "timeout", "interrupted"]).optional(),
});

/** Query of POST .../cancel. */
export const cancelQuery = z.object({
  wait: z.enum(["true", "false", "1", "0"]).optional().transform((value) => value === "true" || value === "1"),
  action: z.enum(["interrupt", "rollback"]).optional().default("interrupt"),
});
