/**
 * Acknowledges entries of a failover stream and deletes them, in one step.
 *
 * KEYS[1] the stream, KEYS[2] its byte counter. ARGV[1] the consumer group,
 * ARGV[2..] entry ids.
 *
 * XACK alone would leave the entries in the stream (and counted against its
 * cap) forever; XDEL alone would leave them in the group's pending list. The
 * byte counter drops by the sizes recorded in the entries still present, so
 * acknowledging an entry twice (say, after another consumer reclaimed it)
 * frees its bytes once. When the stream is empty the counter is removed,
 * which also clears any drift.
 */
export const ACK_SCRIPT = {
  name: 'eventpathFailoverAck',
  numberOfKeys: 2,
  lua: `#!lua
local stream, counter, group = KEYS[1], KEYS[2], ARGV[1]
local ids = {}
local freed = 0
for i = 2, #ARGV do
  ids[#ids + 1] = ARGV[i]
  local entry = redis.call('XRANGE', stream, ARGV[i], ARGV[i])
  if #entry == 1 then
    local fields = entry[1][2]
    for j = 1, #fields, 2 do
      if fields[j] == 'n' then
        freed = freed + tonumber(fields[j + 1])
        break
      end
    end
  end
end
if #ids == 0 then return 0 end
local acked = redis.call('XACK', stream, group, unpack(ids))
redis.call('XDEL', stream, unpack(ids))
if redis.call('XLEN', stream) == 0 then
  redis.call('DEL', counter)
elseif freed > 0 then
  redis.call('DECRBY', counter, freed)
end
return acked
`,
} as const;
