/**
 * Lua helpers shared by the saver's scripts (prepended to each). They read segments of
 * list-valued channels; see keys.ts for the layout. Iterative, not recursive, so a long
 * chain of history rewrites cannot exhaust Lua's C stack.
 */
export const LUA_HELPERS = `
local SEP = '\\0'
local function split3(meta)
  local a = string.find(meta, '|', 1, true)
  local b = string.find(meta, '|', a + 1, true)
  return string.sub(meta, 1, a - 1), tonumber(string.sub(meta, a + 1, b - 1)), tonumber(string.sub(meta, b + 1))
end
local function hmgetAll(key, fields)
  local out = {}
  for s = 1, #fields, 1000 do
    local part = redis.call('HMGET', key, unpack(fields, s, math.min(s + 999, #fields)))
    for k = 1, #part do out[#out + 1] = part[k] end
  end
  return out
end
local function cumAt(segKey, elKey, seg, index)
  while true do
    local meta = redis.call('HGET', segKey, seg)
    if not meta then return nil end
    local base, baseLen = split3(meta)
    if index < baseLen then
      seg = base
    else
      local v = redis.call('HGET', elKey, seg .. ':' .. index)
      if not v then return nil end
      return string.sub(v, 1, 16)
    end
  end
end
local function elementFields(segKey, seg, len)
  local ranges = {}
  while len > 0 and seg ~= '' do
    local meta = redis.call('HGET', segKey, seg)
    if not meta then return nil end
    local base, baseLen = split3(meta)
    if len > baseLen then
      ranges[#ranges + 1] = { seg, baseLen, len }
      len = baseLen
    end
    seg = base
  end
  local fields = {}
  for r = #ranges, 1, -1 do
    local range = ranges[r]
    for i = range[2], range[3] - 1 do fields[#fields + 1] = range[1] .. ':' .. i end
  end
  return fields
end
local function readBlob(segKey, elKey, blob)
  if string.sub(blob, 1, 1) ~= 'l' then return { blob } end
  local colon = string.find(blob, ':', 2, true)
  local fields = elementFields(segKey, string.sub(blob, 2, colon - 1), tonumber(string.sub(blob, colon + 1)))
  if not fields then return { blob, {} } end
  return { blob, hmgetAll(elKey, fields) }
end
local function eachVersion(versions, fn)
  local pos = 1
  while pos <= #versions do
    local a = string.find(versions, SEP, pos, true)
    local b = string.find(versions, SEP, a + 1, true)
    fn(string.sub(versions, pos, a - 1), string.sub(versions, a + 1, b - 1))
    pos = b + 1
  end
end
local KEY_TYPES = { 'hash', 'zset', 'set', 'hash', 'hash', 'zset', 'hash', 'hash' }
local function assertKeyTypes(indexes)
  for _, i in ipairs(indexes) do
    local found = redis.call('TYPE', KEYS[i]).ok
    if found ~= 'none' and found ~= KEY_TYPES[i] then
      return 'WRONGTYPE ' .. KEYS[i] .. ' holds a ' .. found .. ', RedisSaver expects a ' .. KEY_TYPES[i] .. ' (did another program write it?)'
    end
  end
  return nil
end
local function refreshTtl(ttl)
  if ttl > 0 then
    for i = 1, 8 do
      if KEYS[i] then redis.call('PEXPIRE', KEYS[i], ttl) end
    end
  end
end
local function storeWrites(from)
  for i = from, #ARGV, 3 do
    local field = ARGV[i]
    if ARGV[i + 2] == '1' then
      redis.call('HSET', KEYS[5], field, ARGV[i + 1])
      redis.call('ZADD', KEYS[6], 0, field)
    elseif redis.call('HSETNX', KEYS[5], field, ARGV[i + 1]) == 1 then
      redis.call('ZADD', KEYS[6], 0, field)
    end
  end
end
local function assertFence(token)
  if token == '' then return nil end
  local lease = redis.call('GET', KEYS[9])
  if lease and string.sub(lease, 1, #token + 1) == token .. ':' then return nil end
  return 'FENCED fencing token ' .. token .. ' no longer holds ' .. KEYS[9] .. ' (now: ' .. (lease or 'nobody') .. ')'
end
`;
