import { FIXED_FIELDS_PER_ENTRY, MAX_HEADERS_PER_EVENT } from './failover-event';

/**
 * Appends one call's events to a topic's failover stream, all or nothing.
 *
 * KEYS[1] the stream, KEYS[2] its byte counter (same hash tag, same slot).
 * ARGV[1] max entries (0: no cap), ARGV[2] max bytes (0: no cap),
 * ARGV[3] event count, ARGV[4] bytes of this call, then per event the number
 * of field/value pairs followed by the pairs.
 *
 * Redis runs a script without interleaving other commands but does not roll
 * back the writes of a script that errors. So the whole argument layout
 * (including each event's field count, which must fit the `unpack` into its
 * XADD: at most MAX_FIELD_PAIRS pairs), the key types and both caps are
 * checked before the first write, and nothing after that point can fail: an
 * XADD with an auto id on a stream only fails for lack of memory, and the
 * `#!lua` shebang makes Redis 7 refuse the whole script up front when it is
 * over maxmemory instead of failing a write half-way. The counter is raised
 * before the XADDs, so should one fail all the same it would count too much
 * (refusing early, cleared when the stream empties), never too little.
 * Streams are never trimmed here: a full stream refuses, it does not evict.
 */
const MAX_FIELD_PAIRS = MAX_HEADERS_PER_EVENT + FIXED_FIELDS_PER_ENTRY;

export const APPEND_SCRIPT = {
  name: 'eventpathFailoverAppend',
  numberOfKeys: 2,
  lua: `#!lua
local stream, counter = KEYS[1], KEYS[2]
local maxEntries, maxBytes = tonumber(ARGV[1]), tonumber(ARGV[2])
local count, callBytes = tonumber(ARGV[3]), tonumber(ARGV[4])
if not (maxEntries and maxBytes and count and callBytes) then
  return redis.error_reply('EVENTPATH_BAD_APPEND header is not numeric')
end

local ranges = {}
local pos = 5
for i = 1, count do
  local pairCount = tonumber(ARGV[pos])
  if not pairCount or pairCount < 1 or pairCount % 1 ~= 0 or pos + 2 * pairCount > #ARGV then
    return redis.error_reply('EVENTPATH_BAD_APPEND event ' .. i .. ' has a malformed field list')
  end
  if pairCount > ${MAX_FIELD_PAIRS} then
    return redis.error_reply('EVENTPATH_BAD_APPEND event ' .. i .. ' has ' .. pairCount .. ' fields, more than ${MAX_FIELD_PAIRS}')
  end
  ranges[i] = { pos + 1, pos + 2 * pairCount }
  pos = pos + 1 + 2 * pairCount
end
if pos ~= #ARGV + 1 then
  return redis.error_reply('EVENTPATH_BAD_APPEND ' .. (#ARGV + 1 - pos) .. ' arguments after the last event')
end

local keyType = redis.call('TYPE', stream)['ok']
if keyType ~= 'none' and keyType ~= 'stream' then
  return redis.error_reply('EVENTPATH_BAD_APPEND ' .. stream .. ' holds a ' .. keyType .. ', not a stream')
end
local length = redis.call('XLEN', stream)
if maxEntries > 0 and length + count > maxEntries then
  return redis.error_reply('EVENTPATH_BUFFER_FULL entries ' .. length .. ' stored + ' .. count .. ' new > cap ' .. maxEntries)
end
local stored = tonumber(redis.call('GET', counter) or '0')
if maxBytes > 0 and stored + callBytes > maxBytes then
  return redis.error_reply('EVENTPATH_BUFFER_FULL bytes ' .. stored .. ' stored + ' .. callBytes .. ' new > cap ' .. maxBytes)
end

redis.call('INCRBY', counter, callBytes)
local ids = {}
for i = 1, count do
  ids[i] = redis.call('XADD', stream, '*', unpack(ARGV, ranges[i][1], ranges[i][2]))
end
return ids
`,
} as const;
