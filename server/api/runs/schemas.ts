/** zod schemas of the runs routes' bodies and queries. */
import { z } from "zod";
import { jsonObject } from "../../http/validate.js";
import { STREAM_MODES } from "../../execution/stream-modes.js";

const streamMode = z.enum(STREAM_MODES);
const nodeList = z.union([z.literal("*"), z.array(z.string().max(256)).max(100)]);

/** Body of every run-creating route. */
export const runCreateSchema = z.object({
  assistant_id: z.string().min(1).max(256),
  input: z.unknown().optional(),
  command: z
    .object({ resume: z.unknown().optional(), update: z.unknown().optional(), goto: z.unknown().optional() })
    .nullish(),
  metadata: jsonObject.nullish(),
  config: z
    .object({
      configurable: jsonObject.optional(),
      tags: z.array(z.string()).optional(),
      recursion_limit: z.number().int().positive().max(100_000).optional(),
      metadata: jsonObject.optional(),
    })
    .loose()
    .nullish(),
  context: z.unknown().optional(),
  checkpoint_id: z.string().max(256).nullish(),
  checkpoint: z.object({ checkpoint_id: z.string().max(256).nullish(), checkpoint_ns: z.string().max(1024).nullish(), checkpoint_map: jsonObject.nullish() }).loose().nullish(),
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
  webhook: z
    .string()
    .max(2048)
    .refine((value) => /^https?:\/\/[^/]/i.test(value) && URL.canParse(value), "must be an absolute http(s) URL; the run's result is POSTed there when it ends")
    .nullish(),
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
