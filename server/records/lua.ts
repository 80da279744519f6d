/**
 * The Lua scripts that keep a thread's runs consistent across replicas: deciding a multitask
 * strategy, ending a run and cancelling one each happen in one atomic step on the thread's slot,
 * so two servers can never both start a run on one thread nor lose a queued run.
 */
import { RedisScript } from "../../lib/redis-scripts.js";

/**
 * KEYS: thread, active, runs, run, once marker. ARGV: run id, run doc, strategy, if_not_exists, owner,
 * now (ISO), created (ms), new thread doc, graph id, assistant id, once marker TTL in seconds ('' = not once).
 * Returns {outcome, inflight...}; outcome = created | created_thread | busy | no_thread; or
 * {'exists', status ('' = gone), first active run ('' = none)} when a run created once is asked again.
 * The marker is written with the run, in the same step: a retry can never create it twice.
 */
export const CREATE_RUN = new RedisScript("createRun", `
if ARGV[11] ~= '' and redis.call('EXISTS', KEYS[5]) == 1 then
  return {'exists', redis.call('HGET', KEYS[4], 'status') or '', redis.call('LINDEX', KEYS[2], 0) or ''}
end
local owner = redis.call('HGET', KEYS[1], 'owner')
-- The thread's status before this run ('' = the run creates the thread), so a discard can restore it.
local prior = redis.call('HGET', KEYS[1], 'status') or ''
local outcome = 'created'
if not owner then
  if ARGV[4] ~= 'create' then return {'no_thread'} end
  redis.call('HSET', KEYS[1], 'owner', ARGV[5], 'doc', ARGV[8], 'status', 'idle', 'updated_at', ARGV[6])
  outcome = 'created_thread'
elseif owner ~= ARGV[5] then
  return {'no_thread'}
end
local active = redis.call('LRANGE', KEYS[2], 0, -1)
if #active > 0 and ARGV[3] == 'reject' then
  table.insert(active, 1, 'busy')
  return active
end
redis.call('HSET', KEYS[4], 'doc', ARGV[2], 'status', 'pending', 'updated_at', ARGV[6], 'prior', prior)
redis.call('ZADD', KEYS[3], ARGV[7], ARGV[1])
redis.call('RPUSH', KEYS[2], ARGV[1])
if ARGV[11] ~= '' then redis.call('SET', KEYS[5], '1', 'EX', ARGV[11]) end
redis.call('HSET', KEYS[1], 'status', 'busy', 'updated_at', ARGV[6], 'graph_id', ARGV[9], 'assistant_id', ARGV[10])
table.insert(active, 1, outcome)
return active
`);

/**
 * KEYS: thread, active, run, runs[, thread lease]. ARGV: run id, run status, now, thread status,
 * values JSON ('' = keep), interrupts JSON, delete run ('1')[, the start of the lease's value while
 * the run holds it (LeaseFence.holds)]. With the lease: it is released in the same step, and nothing
 * is written when it no longer holds the run's fence (returns 'lease_lost'). Returns {the run now first in the active list} or {}.
 */
export const FINISH_RUN = new RedisScript("finishRun", `
if KEYS[5] then
  local lease = redis.call('GET', KEYS[5])
  if not lease or string.sub(lease, 1, #ARGV[8]) ~= ARGV[8] then return 'lease_lost' end
  redis.call('DEL', KEYS[5])
end
redis.call('LREM', KEYS[2], 0, ARGV[1])
if ARGV[7] == '1' then
  redis.call('DEL', KEYS[3])
  redis.call('ZREM', KEYS[4], ARGV[1])
elseif redis.call('EXISTS', KEYS[3]) == 1 then
  redis.call('HSET', KEYS[3], 'status', ARGV[2], 'updated_at', ARGV[3])
end
local head = redis.call('LINDEX', KEYS[2], 0)
if redis.call('EXISTS', KEYS[1]) == 1 then
  local status = ARGV[4]
  if head then status = 'busy' end
  redis.call('HSET', KEYS[1], 'status', status, 'updated_at', ARGV[3])
  if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'values', ARGV[5], 'interrupts', ARGV[6]) end
end
if head then return {head} end
return {}
`);

/**
 * KEYS: thread, active, run, runs. ARGV: run id, action, now.
 * Returns missing | done | head (flagged for its worker) | removed (it was still waiting).
 */
export const CANCEL_RUN = new RedisScript("cancelRun", `
local status = redis.call('HGET', KEYS[3], 'status')
if not status then return 'missing' end
if status ~= 'pending' and status ~= 'running' then return 'done' end
if redis.call('LINDEX', KEYS[2], 0) == ARGV[1] then
  redis.call('HSET', KEYS[3], 'cancel', ARGV[2])
  return 'head'
end
redis.call('LREM', KEYS[2], 0, ARGV[1])
if ARGV[2] == 'rollback' then
  redis.call('DEL', KEYS[3])
  redis.call('ZREM', KEYS[4], ARGV[1])
else
  redis.call('HSET', KEYS[3], 'status', 'interrupted', 'updated_at', ARGV[3])
end
return 'removed'
`);

/**
 * KEYS: run[, the thread's start list]. ARGV: now[, run id, runs kept in the list]. Pending →
 * running (stamping started_at), only if the run still exists and is pending; with the start list,
 * the run is appended to it in the same step (the thread-wide stream follows that list).
 */
export const MARK_RUNNING = new RedisScript("markRunning", `
if redis.call('HGET', KEYS[1], 'status') == 'pending' then
  redis.call('HSET', KEYS[1], 'status', 'running', 'updated_at', ARGV[1], 'started_at', ARGV[1])
end
if KEYS[2] then redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', 'r', ARGV[2]) end
return 1
`);

/**
 * KEYS: thread, active, run, runs, once marker. ARGV: run id, now. Undoes a run that was created
 * but could not be queued: while it is still pending it leaves the thread's active list and is
 * erased (with its once marker, so a retried cron tick creates it again), and a
 * thread with no active run left gets back the status it had (a thread the run created, and that
 * has no other run, is erased). Returns discarded | started (a worker has it: it cannot be undone)
 * | missing.
 */
export const DISCARD_RUN = new RedisScript("discardRun", `
local status = redis.call('HGET', KEYS[3], 'status')
if not status then return 'missing' end
if status ~= 'pending' then return 'started' end
local prior = redis.call('HGET', KEYS[3], 'prior') or ''
redis.call('LREM', KEYS[2], 0, ARGV[1])
redis.call('DEL', KEYS[3], KEYS[5])
redis.call('ZREM', KEYS[4], ARGV[1])
if redis.call('LLEN', KEYS[2]) == 0 and redis.call('EXISTS', KEYS[1]) == 1 then
  if prior == '' and redis.call('ZCARD', KEYS[4]) == 0 then
    redis.call('DEL', KEYS[1])
  else
    if prior == '' or prior == 'busy' then prior = 'idle' end
    redis.call('HSET', KEYS[1], 'status', prior, 'updated_at', ARGV[2])
  end
end
return 'discarded'
`);

/**
 * KEYS: thread, active, run. ARGV: run id, now. An `error` run goes back to pending at the end of
 * its thread's active runs (a dead letter retried). Returns head | queued | missing | not_failed.
 */
export const REQUEUE_RUN = new RedisScript("requeueRun", `
local status = redis.call('HGET', KEYS[3], 'status')
if not status then return 'missing' end
if status ~= 'error' then return 'not_failed' end
redis.call('HSET', KEYS[3], 'status', 'pending', 'updated_at', ARGV[2])
redis.call('HDEL', KEYS[3], 'cancel')
redis.call('RPUSH', KEYS[2], ARGV[1])
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'status', 'busy', 'updated_at', ARGV[2]) end
if redis.call('LINDEX', KEYS[2], 0) == ARGV[1] then return 'head' end
return 'queued'
`);
