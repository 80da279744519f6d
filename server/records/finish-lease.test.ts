/**
 * A run's finish releases its thread lease in the same script (issue 20): with the lease still
 * the run's, the lease goes and the run ends; with the lease lost (another holder's token),
 * nothing is written and the store says so with LeaseLostError.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LeaseLostError } from "../../lib/errors.js";
import { connectRedis, type RedisConnection } from "../../lib/redis.js";
import { deleteByPrefix, testRedisUrl, uniquePrefix } from "../../test/support/redis.js";
import { pendingRunRecord } from "../../test/support/run-record.js";
import { createRedisStorage } from "./redis.js";
import type { RunRecord, Storage } from "./types.js";

function pendingRun(threadId: string, runId: string): RunRecord {
  return pendingRunRecord(threadId, { runId });
}

describe("finish with the thread lease", () => {
  const prefix = uniquePrefix("finish-lease");
  let redis: RedisConnection;
  let storage: Storage;

  beforeAll(async () => {
    redis = await connectRedis({ url: testRedisUrl() });
    storage = createRedisStorage(redis, prefix);
  });
  afterAll(async () => {
    await deleteByPrefix(redis, prefix);
    await redis.close();
  });

  it("releases the lease and ends the run when the lease is still the run's; writes nothing when it was lost", async () => {
    const threadId = crypto.randomUUID();
    const run = pendingRun(threadId, crypto.randomUUID());
    await storage.runs.create(run, { ifNotExists: "create", newThread: { thread_id: threadId, created_at: run.created_at, updated_at: run.created_at, metadata: {}, config: {}, status: "idle", values: null, interrupts: {}, owner: "default" } });
    const leaseKey = `${prefix}cp:{${threadId}}:lease`;
    // Another worker took the lease over (token 5); this run held token 4.
    await redis.set(leaseKey, `5:${run.run_id}@other`);

    const lost = storage.runs.finish(threadId, run.run_id, { status: "success", threadStatus: "idle", releaseLease: { key: leaseKey, holds: "4:" } });
    await expect(lost).rejects.toBeInstanceOf(LeaseLostError);
    expect((await storage.runs.get(threadId, run.run_id))?.status).toBe("pending");
    expect(await storage.runs.active(threadId)).toEqual([run.run_id]);
    expect(await redis.get(leaseKey)).toBe(`5:${run.run_id}@other`);

    expect(await storage.runs.finish(threadId, run.run_id, { status: "success", threadStatus: "idle", releaseLease: { key: leaseKey, holds: "5:" } })).toBeNull();
    expect((await storage.runs.get(threadId, run.run_id))?.status).toBe("success");
    expect(await storage.runs.active(threadId)).toEqual([]);
    expect(await redis.exists(leaseKey)).toBe(0);
  });
});
