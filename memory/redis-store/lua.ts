/**
 * Lua sources of the RedisStore. Every script touches the keys of exactly one namespace (KEYS =
 * meta, items, vec, chg, dead, exp: see keys.ts), so it is atomic and cluster-safe; the registry
 * of namespaces is written outside scripts because it lives in another slot.
 *
 * Why scripts: a write must move the item, its vectors, its version and its expiry together, or a
 * process-local mirror could see an item without its vectors (or a version that lies).
 */

/** Tombstones kept per namespace; a mirror older than the oldest one dropped reloads in full. */
export const MAX_TOMBSTONES = 10_000;

// Helpers shared by the scripts. Times are integers in ms passed by the caller (no TIME call, so
// scripts stay deterministic); numbers that go back into strings stay below 2^53.
const PRELUDE = `
local function apply_ns_expiry()
  local n = redis.call('HLEN', KEYS[2])
  if n > 0 and redis.call('ZCARD', KEYS[6]) == n then
    local last = redis.call('ZRANGE', KEYS[6], -1, -1, 'WITHSCORES')
    for i = 1, 6 do redis.call('PEXPIREAT', KEYS[i], last[2]) end
  else
    for i = 1, 6 do redis.call('PERSIST', KEYS[i]) end
  end
end

local function purge_expired(now, ver)
  local expired = redis.call('ZRANGEBYSCORE', KEYS[6], '-inf', now)
  for _, k in ipairs(expired) do
    redis.call('HDEL', KEYS[2], k)
    redis.call('HDEL', KEYS[3], k)
    redis.call('ZREM', KEYS[4], k)
    ver = ver + 1
    redis.call('ZADD', KEYS[5], ver, k)
  end
  if #expired > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[6], '-inf', now) end
  return ver, #expired
end

local function finish(ver)
  if redis.call('HLEN', KEYS[2]) == 0 then
    redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6])
    return false
  end
  redis.call('HSET', KEYS[1], 'ver', ver)
  local dead = redis.call('ZCARD', KEYS[5])
  if dead > ${MAX_TOMBSTONES} then
    local cut = dead - ${MAX_TOMBSTONES} - 1
    local last = redis.call('ZRANGE', KEYS[5], cut, cut, 'WITHSCORES')
    redis.call('ZREMRANGEBYRANK', KEYS[5], 0, cut)
    redis.call('HSET', KEYS[1], 'floor', last[2])
  end
  apply_ns_expiry()
  return true
end
`;

/**
 * Writes a batch of puts and deletes to one namespace.
 * ARGV: now, namespace, fresh epoch, count, then per op: key, 'p'|'d', value JSON, ttl ms|'', vectors|''.
 * Returns { epoch, version before, version after }.
 */
export const PUT_SCRIPT = `${PRELUDE}
local now = tonumber(ARGV[1])
local count = tonumber(ARGV[4])
local meta = redis.call('HMGET', KEYS[1], 'ns', 'epoch', 'ver')
if meta[1] and meta[1] ~= ARGV[2] then
  return redis.error_reply('ERR store namespace hash collision between ' .. meta[1] .. ' and ' .. ARGV[2])
end
local ver = 0
if not meta[1] then
  local writes = false
  for i = 0, count - 1 do
    if ARGV[6 + i * 5] == 'p' then writes = true break end
  end
  if not writes then return {'', 0, 0} end
  redis.call('HSET', KEYS[1], 'ns', ARGV[2], 'epoch', ARGV[3], 'ver', 0, 'floor', 0)
  meta[2] = ARGV[3]
else
  ver = purge_expired(now, tonumber(meta[3]))
end
local before = ver
-- Most namespaces have no TTLs and few deletions: skip removals from sets that do not exist.
local has_exp = redis.call('EXISTS', KEYS[6]) == 1
local has_dead = redis.call('EXISTS', KEYS[5]) == 1
for i = 0, count - 1 do
  local b = 5 + i * 5
  local key = ARGV[b]
  if ARGV[b + 1] == 'd' then
    if redis.call('HDEL', KEYS[2], key) == 1 then
      redis.call('HDEL', KEYS[3], key)
      redis.call('ZREM', KEYS[4], key)
      redis.call('ZREM', KEYS[6], key)
      ver = ver + 1
      redis.call('ZADD', KEYS[5], ver, key)
      has_dead = true
    end
  else
    ver = ver + 1
    local created, seq = ARGV[1], tostring(ver)
    local old = redis.call('HGET', KEYS[2], key)
    if old then created, seq = string.match(old, '^(%d+):(%d+):') end
    local ttl = ARGV[b + 3]
    redis.call('HSET', KEYS[2], key, created .. ':' .. seq .. ':' .. ARGV[1] .. ':' .. ttl .. ':' .. ARGV[b + 2])
    if ARGV[b + 4] == '' then redis.call('HDEL', KEYS[3], key) else redis.call('HSET', KEYS[3], key, ARGV[b + 4]) end
    if ttl ~= '' then
      redis.call('ZADD', KEYS[6], now + tonumber(ttl), key)
      has_exp = true
    elseif has_exp then
      redis.call('ZREM', KEYS[6], key)
    end
    if has_dead then redis.call('ZREM', KEYS[5], key) end
    redis.call('ZADD', KEYS[4], ver, key)
  end
end
finish(ver)
return {meta[2], before, ver}
`;

/**
 * Returns one page of changes after a version, for a process-local mirror.
 * ARGV: now, mirror's epoch, mirror's version, page size.
 * Returns { epoch, page end version, current version, reset 0|1, keys, items, vectors, deleted keys };
 * epoch '' means the namespace does not exist.
 */
export const SYNC_SCRIPT = `${PRELUDE}
local meta = redis.call('HMGET', KEYS[1], 'epoch', 'ver', 'floor')
if not meta[1] then return {'', '0', '0', 1, {}, {}, {}, {}} end
local ver, purged = purge_expired(tonumber(ARGV[1]), tonumber(meta[2]))
if purged > 0 and not finish(ver) then return {'', '0', '0', 1, {}, {}, {}, {}} end
local from = tonumber(ARGV[3])
local reset = 0
if meta[1] ~= ARGV[2] or from < tonumber(meta[3]) or from > ver then
  from = 0
  reset = 1
end
local limit = tonumber(ARGV[4])
local live = redis.call('ZRANGEBYSCORE', KEYS[4], '(' .. from, '+inf', 'WITHSCORES', 'LIMIT', 0, limit)
local upto = ver
if #live == limit * 2 then upto = tonumber(live[#live]) end
local keys = {}
for i = 1, #live, 2 do keys[#keys + 1] = live[i] end
local items, vecs = {}, {}
if #keys > 0 then
  items = redis.call('HMGET', KEYS[2], unpack(keys))
  vecs = redis.call('HMGET', KEYS[3], unpack(keys))
end
local deleted = {}
if reset == 0 then deleted = redis.call('ZRANGEBYSCORE', KEYS[5], '(' .. from, upto) end
return {meta[1], tostring(upto), tostring(ver), reset, keys, items, vecs, deleted}
`;

/**
 * Reads items by key, hiding expired ones; with refresh = '1' restarts the TTL of those read.
 * ARGV: now, refresh, keys... Returns the stored strings (nil where missing or expired).
 */
export const GET_SCRIPT = `${PRELUDE}
local now = tonumber(ARGV[1])
local out = {}
local refreshed = false
for i = 3, #ARGV do
  local raw = redis.call('HGET', KEYS[2], ARGV[i])
  if raw then
    local expires = redis.call('ZSCORE', KEYS[6], ARGV[i])
    if expires and tonumber(expires) <= now then
      raw = false
    elseif expires and ARGV[2] == '1' then
      local ttl = string.match(raw, '^%d+:%d+:%d+:(%d+):')
      redis.call('ZADD', KEYS[6], now + tonumber(ttl), ARGV[i])
      refreshed = true
    end
  end
  out[#out + 1] = raw
end
if refreshed then apply_ns_expiry() end
return out
`;

/** Counts the live (unexpired) items of a namespace. ARGV: now. */
export const COUNT_SCRIPT = `
local n = redis.call('HLEN', KEYS[2])
if n == 0 then return 0 end
return n - redis.call('ZCOUNT', KEYS[6], '-inf', ARGV[1])
`;
