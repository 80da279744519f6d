/**
 * The saver's Lua scripts. Each runs atomically on the thread's slot (KEYS = the thread's
 * eight keys, keys.ts), so a checkpoint is stored whole or not at all, and a read sees one
 * consistent state in one round trip.
 */
import { LUA_HELPERS } from "./lua.js";
import { RedisScript } from "../../lib/redis-scripts.js";

/**
 * PUT: KEYS = the thread's eight keys + its lease key; ARGV = fence token ('' = unfenced), ns, id, parent, checkpoint, metadata, versions, ttlMs, nBlobs, (channel, version,
 * value)*, nLists, (channel, version, baseSeg, lcp, cumAtLcp, length, nNew, element*)*, then
 * pending writes as in PUT_WRITES, (field, record, overwrite)*: the writes LangGraph made in the
 * same super-step ride along, so a sync step waits on one round trip instead of two.
 * Validates key types and every list operation before writing anything, so no failure
 * leaves half a checkpoint (nor its writes); a stale base (another writer appended first)
 * aborts with {'stale', n} and the caller retries without sharing.
 */
export const PUT_SCRIPT = `${LUA_HELPERS}
local fenceError = assertFence(table.remove(ARGV, 1))
if fenceError then return redis.error_reply(fenceError) end
local ns, id, parent = ARGV[1], ARGV[2], ARGV[3]
local nBlobs = tonumber(ARGV[8])
local pos = 9 + nBlobs * 3
local nLists = tonumber(ARGV[pos])
pos = pos + 1
local ops = {}
for l = 1, nLists do
  local op = { ch = ARGV[pos], ver = ARGV[pos + 1], base = ARGV[pos + 2], lcp = tonumber(ARGV[pos + 3]),
    cum = ARGV[pos + 4], len = tonumber(ARGV[pos + 5]), n = tonumber(ARGV[pos + 6]), at = pos + 7 }
  pos = op.at + op.n
  ops[l] = op
end
local writesAt = pos
local checked = { 1, 2, 3, 4 }
if nLists > 0 then checked[#checked + 1] = 7; checked[#checked + 1] = 8 end
if writesAt <= #ARGV then checked[#checked + 1] = 5; checked[#checked + 1] = 6 end
local typeError = assertKeyTypes(checked)
if typeError then return redis.error_reply(typeError) end
for l = 1, nLists do
  local op = ops[l]
  if op.base ~= '' then
    local meta = redis.call('HGET', KEYS[7], op.base)
    if not meta then return { 'stale', l } end
    op.baseOfBase, op.baseLenOfBase, op.segLen = split3(meta)
    if op.lcp > op.segLen then return { 'stale', l } end
    if op.lcp > 0 and cumAt(KEYS[7], KEYS[8], op.base, op.lcp - 1) ~= op.cum then return { 'stale', l } end
  end
end
storeWrites(writesAt)
local blobArgs = {}
for b = 0, nBlobs - 1 do
  local at = 9 + b * 3
  blobArgs[#blobArgs + 1] = ns .. SEP .. ARGV[at] .. SEP .. ARGV[at + 1]
  blobArgs[#blobArgs + 1] = ARGV[at + 2]
end
local result = { 'ok' }
for l = 1, nLists do
  local op = ops[l]
  local seg
  if op.base ~= '' and op.n == 0 then
    seg = op.base
  else
    if op.base ~= '' and op.lcp == op.segLen then
      seg = op.base
      redis.call('HSET', KEYS[7], seg, op.baseOfBase .. '|' .. op.baseLenOfBase .. '|' .. op.len)
    else
      seg = 's' .. redis.call('HINCRBY', KEYS[7], '#', 1)
      local base, baseLen = '', 0
      if op.base ~= '' and op.lcp > 0 then base, baseLen = op.base, op.lcp end
      redis.call('HSET', KEYS[7], seg, base .. '|' .. baseLen .. '|' .. op.len)
    end
    local els = {}
    for k = 0, op.n - 1 do
      els[#els + 1] = seg .. ':' .. (op.lcp + k)
      els[#els + 1] = ARGV[op.at + k]
    end
    for s = 1, #els, 1000 do redis.call('HSET', KEYS[8], unpack(els, s, math.min(s + 999, #els))) end
  end
  blobArgs[#blobArgs + 1] = ns .. SEP .. op.ch .. SEP .. op.ver
  blobArgs[#blobArgs + 1] = 'l' .. seg .. ':' .. op.len
  result[#result + 1] = seg
end
if #blobArgs > 0 then
  for s = 1, #blobArgs, 1000 do redis.call('HSET', KEYS[4], unpack(blobArgs, s, math.min(s + 999, #blobArgs))) end
end
local f = ns .. SEP .. id
redis.call('HSET', KEYS[1], f, ARGV[4], f .. SEP .. 'm', ARGV[5], f .. SEP .. 'p', parent, f .. SEP .. 'v', ARGV[6])
redis.call('ZADD', KEYS[2], 0, f)
redis.call('SADD', KEYS[3], ns)
refreshTtl(tonumber(ARGV[7]))
return result
`;

/**
 * PUT_WRITES: KEYS = the thread's eight keys + its lease key; ARGV = fence token, ttlMs,
 * (ns\\0id\\0task\\0idx, record, overwrite)*, possibly of several tasks and checkpoints of the
 * thread. Regular writes are kept on first store (idempotent per task and index); special
 * writes (errors, interrupts) overwrite, as LangGraph's WRITES_IDX_MAP contract asks.
 */
export const PUT_WRITES_SCRIPT = `${LUA_HELPERS}
local fenceError = assertFence(table.remove(ARGV, 1))
if fenceError then return redis.error_reply(fenceError) end
local typeError = assertKeyTypes({ 5, 6 })
if typeError then return redis.error_reply(typeError) end
storeWrites(2)
refreshTtl(tonumber(ARGV[1]))
return 1
`;

/**
 * LOAD: ARGV = ns, ttlMs (refresh on read; 0 = none), then checkpoint ids, or '' for the
 * latest of the namespace (O(log n)). Returns per id: { id, checkpoint, metadata, parent,
 * { {channel, blob[, elements]} }, writeFields, writeValues }, or nil when the id is unknown.
 */
export const LOAD_SCRIPT = `${LUA_HELPERS}
local ns = ARGV[1]
local ids = {}
if ARGV[3] == '' then
  local latest = redis.call('ZREVRANGEBYLEX', KEYS[2], '(' .. ns .. '\\1', '[' .. ns .. SEP, 'LIMIT', 0, 1)
  if #latest == 0 then return {} end
  ids[1] = string.sub(latest[1], #ns + 2)
else
  for i = 3, #ARGV do ids[#ids + 1] = ARGV[i] end
end
local out, found = {}, false
for _, id in ipairs(ids) do
  local f = ns .. SEP .. id
  local c = redis.call('HMGET', KEYS[1], f, f .. SEP .. 'm', f .. SEP .. 'p', f .. SEP .. 'v')
  if c[1] then
    local channels, fields = {}, {}
    eachVersion(c[4] or '', function(ch, ver)
      channels[#channels + 1] = ch
      fields[#fields + 1] = ns .. SEP .. ch .. SEP .. ver
    end)
    local values = {}
    if #fields > 0 then
      local blobs = hmgetAll(KEYS[4], fields)
      for k = 1, #channels do
        if blobs[k] then
          local read = readBlob(KEYS[7], KEYS[8], blobs[k])
          table.insert(read, 1, channels[k])
          values[#values + 1] = read
        end
      end
    end
    local wf = redis.call('ZRANGEBYLEX', KEYS[6], '[' .. f .. SEP, '(' .. f .. '\\1')
    local wv = {}
    if #wf > 0 then wv = hmgetAll(KEYS[5], wf) end
    out[#out + 1] = { id, c[1], c[2], c[3], values, wf, wv }
    found = true
  else
    out[#out + 1] = false
  end
end
if found then refreshTtl(tonumber(ARGV[2])) end
return out
`;

/**
 * DELTA_HISTORY: ARGV = ns, start id ('' = latest), start mode ('target' walks from the
 * target's parent, 'from' starts at the id itself), max ancestors, channels...
 * Walks parent links collecting each ancestor's writes to the channels still open and
 * the first stored value (seed) of each channel. Returns { cursor, steps } where cursor
 * is where to continue when max ancestors were walked ('' when done).
 */
export const DELTA_HISTORY_SCRIPT = `${LUA_HELPERS}
local ns, startId, mode, maxSteps = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local remaining, open = {}, 0
for i = 5, #ARGV do remaining[ARGV[i]] = true; open = open + 1 end
if startId == '' then
  local latest = redis.call('ZREVRANGEBYLEX', KEYS[2], '(' .. ns .. '\\1', '[' .. ns .. SEP, 'LIMIT', 0, 1)
  if #latest == 0 then return { '', {} } end
  startId = string.sub(latest[1], #ns + 2)
end
local cur = startId
if mode == 'target' then
  cur = redis.call('HGET', KEYS[1], ns .. SEP .. startId .. SEP .. 'p')
  if not cur then return { '', {} } end
end
local steps, walked = {}, 0
while cur ~= '' and open > 0 and walked < maxSteps do
  local f = ns .. SEP .. cur
  local c = redis.call('HMGET', KEYS[1], f .. SEP .. 'v', f .. SEP .. 'p')
  if not c[1] then cur = ''; break end
  local wf = redis.call('ZRANGEBYLEX', KEYS[6], '[' .. f .. SEP, '(' .. f .. '\\1')
  local fields, values = {}, {}
  if #wf > 0 then
    local wv = hmgetAll(KEYS[5], wf)
    for k = 1, #wf do
      local v = wv[k]
      if v then
        local cut = string.find(v, SEP, 1, true)
        if cut and remaining[string.sub(v, 1, cut - 1)] then
          fields[#fields + 1] = wf[k]
          values[#values + 1] = v
        end
      end
    end
  end
  local seeds = {}
  eachVersion(c[1], function(ch, ver)
    if remaining[ch] then
      local blob = redis.call('HGET', KEYS[4], ns .. SEP .. ch .. SEP .. ver)
      if blob then
        local read = readBlob(KEYS[7], KEYS[8], blob)
        table.insert(read, 1, ch)
        seeds[#seeds + 1] = read
        remaining[ch] = nil
        open = open - 1
      end
    end
  end)
  steps[#steps + 1] = { cur, fields, values, seeds }
  cur = c[2] or ''
  walked = walked + 1
end
if open == 0 then cur = '' end
return { cur, steps }
`;

/** The scripts as runnable objects (their SHA is computed on first use). */
export const PUT = new RedisScript("put", PUT_SCRIPT);
/** See PUT_WRITES_SCRIPT. */
export const PUT_WRITES = new RedisScript("putWrites", PUT_WRITES_SCRIPT);
/** See LOAD_SCRIPT. */
export const LOAD = new RedisScript("load", LOAD_SCRIPT);
/** See DELTA_HISTORY_SCRIPT. */
export const DELTA_HISTORY = new RedisScript("deltaHistory", DELTA_HISTORY_SCRIPT);

/**
 * LIST_STATE: ARGV = ns, checkpoint id, channels... For each channel stored as a list at that
 * checkpoint: { channel, segment, length, { cumulative hash per element } }. Lets a writer
 * that has forgotten a thread's lists (evicted, restarted) still share their prefix.
 */
export const LIST_STATE_SCRIPT = `${LUA_HELPERS}
local ns, id = ARGV[1], ARGV[2]
local versions = redis.call('HGET', KEYS[1], ns .. SEP .. id .. SEP .. 'v')
if not versions then return {} end
local wanted = {}
for i = 3, #ARGV do wanted[ARGV[i]] = true end
local out = {}
eachVersion(versions, function(ch, ver)
  if not wanted[ch] then return end
  local blob = redis.call('HGET', KEYS[4], ns .. SEP .. ch .. SEP .. ver)
  if not blob or string.sub(blob, 1, 1) ~= 'l' then return end
  local colon = string.find(blob, ':', 2, true)
  local seg, len = string.sub(blob, 2, colon - 1), tonumber(string.sub(blob, colon + 1))
  local fields = elementFields(KEYS[7], seg, len)
  if not fields then return end
  local cums = {}
  for _, value in ipairs(hmgetAll(KEYS[8], fields)) do cums[#cums + 1] = value and string.sub(value, 1, 16) or '' end
  out[#out + 1] = { ch, seg, len, cums }
end)
return out
`;

/** See LIST_STATE_SCRIPT. */
export const LIST_STATE = new RedisScript("listState", LIST_STATE_SCRIPT);
