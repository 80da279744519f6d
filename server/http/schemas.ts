/**
 * The LangGraph API's shared request vocabulary, declared once: `config`, `checkpoint`,
 * `command`, the store's bodies, thread PATCH and history. Every route that takes one of these
 * parses it with the schema here, as strictly as the reference's schemas (wrong types, a
 * checkpoint id that is not a UUID, a store search without `namespace_prefix` are 422s).
 */
import { z } from "zod";

/** A UUID in any case (ids are stored lower-case by the routes). */
export const uuidString = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "must be a UUID");

/** A JSON object (record). */
export const jsonObject = z.record(z.string(), z.unknown());

/** `config` of runs and assistants: typed where LangGraph reads it, other keys kept. */
export const configSchema = z
  .object({
    configurable: jsonObject.optional(),
    tags: z.array(z.string().max(256)).max(100).optional(),
    recursion_limit: z.number().int().positive().max(100_000).optional(),
    metadata: jsonObject.optional(),
    run_name: z.string().max(256).optional(),
    max_concurrency: z.number().int().positive().optional(),
  })
  .loose();

/** `checkpoint` of run creation, state reads and updates, history (`thread_id` is ignored by the routes). */
export const checkpointSchema = z.object({
  checkpoint_id: uuidString.nullish(),
  checkpoint_ns: z.string().max(1024).nullish(),
  checkpoint_map: jsonObject.nullish(),
  thread_id: z.string().max(256).nullish(),
});

const gotoTarget = z.union([z.string().min(1).max(256), z.object({ node: z.string().min(1).max(256), input: z.unknown().optional() })]);

const isEmpty = (value: unknown) => value == null || (Array.isArray(value) ? value.length === 0 : typeof value === "object" && Object.keys(value).length === 0);

/** `command` of a run: resume, update (object or [channel, value] pairs), goto (node names or sends); not all empty, which LangGraph refuses only mid-run. */
export const commandSchema = z
  .object({
    resume: z.unknown().optional(),
    update: z.union([jsonObject, z.array(z.tuple([z.string(), z.unknown()]))], { error: "must be an object of channel updates or a list of [channel, value] pairs" }).nullish(),
    goto: z.union([gotoTarget, z.array(gotoTarget).max(100)], { error: "must be a node name, { node, input }, or a list of them" }).nullish(),
  })
  .refine((command) => command.resume !== undefined || !isEmpty(command.update) || !isEmpty(command.goto), "command is empty: give resume, a non-empty update, or goto");

/**
 * A store namespace label: what the store itself accepts (no '.', which joins labels in URLs;
 * no ':' or NUL, which the store refuses), so a bad label is a 422 before the store sees it.
 */
export const storeLabel = z
  .string()
  .min(1, "namespace labels cannot be empty")
  .max(256)
  .refine((value) => !value.includes("."), "namespace labels cannot contain '.'")
  .refine((value) => !value.includes(":"), "namespace labels cannot contain ':'")
  .refine((value) => !value.includes("\0"), "namespace labels cannot contain NUL bytes");

/** A store namespace: 1 to 20 labels. */
export const storeNamespace = z.array(storeLabel).min(1).max(20);
const storeKey = z.string().min(1).max(1024).refine((value) => !value.includes("\0"), "keys cannot contain NUL bytes");

/** Body of PUT /store/items. */
export const storePutBody = z.object({
  namespace: storeNamespace,
  key: storeKey,
  value: jsonObject,
  index: z.union([z.literal(false), z.array(z.string().max(256)).max(100)]).nullish(),
  ttl: z.number().positive().nullish(),
});

/** Body of DELETE /store/items. */
export const storeDeleteBody = z.object({ namespace: storeNamespace, key: storeKey });

/** Query of GET /store/items: the namespace is its labels joined by '.'. */
export const storeGetQuery = z.object({
  namespace: z
    .string()
    .min(1)
    .max(5000)
    .transform((value) => value.split("."))
    .pipe(storeNamespace),
  key: storeKey,
  refresh_ttl: z.enum(["true", "false", "1", "0", "True", "False"]).optional(),
});

/** Body of POST /store/items/search (`namespace_prefix` is required, `[]` = everything). */
export const storeSearchBody = z.object({
  namespace_prefix: z.array(storeLabel).max(20),
  filter: jsonObject.nullish(),
  limit: z.number().int().min(1).max(1000).nullish(),
  offset: z.number().int().min(0).nullish(),
  query: z.string().max(10_000).nullish(),
  refresh_ttl: z.boolean().nullish(),
});

/** Body of POST /store/namespaces. */
export const storeNamespacesBody = z.object({
  prefix: z.array(storeLabel).max(20).nullish(),
  suffix: z.array(storeLabel).max(20).nullish(),
  max_depth: z.number().int().min(1).max(100).nullish(),
  limit: z.number().int().min(1).max(1000).nullish(),
  offset: z.number().int().min(0).nullish(),
});

/** Body of PATCH /threads/:id (`metadata` is required, as in the reference). */
export const threadPatchBody = z.object({ metadata: jsonObject, ttl: z.unknown().optional() });

/** Body of POST /threads/:id/state. */
export const stateUpdateBody = z.object({
  values: z.union([jsonObject, z.array(jsonObject)]).nullish(),
  as_node: z.string().max(256).nullish(),
  checkpoint_id: z.string().max(256).nullish(),
  checkpoint: checkpointSchema.nullish(),
});

const namedCheckpoint = checkpointSchema.extend({ checkpoint_id: uuidString });

/** Body of POST /threads/:id/history (`before`: a checkpoint id, a checkpoint naming one, or a config whose configurable does). */
export const historyBody = z.object({
  limit: z.number().int().min(1).max(1000).nullish(),
  before: z.union([z.string().min(1).max(256), namedCheckpoint, z.object({ configurable: namedCheckpoint })], { error: "must be a checkpoint id, or a checkpoint with a UUID checkpoint_id" }).nullish(),
  metadata: jsonObject.nullish(),
  checkpoint: checkpointSchema.nullish(),
  select: z.unknown().optional(),
});
