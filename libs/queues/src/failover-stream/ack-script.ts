/**
 * Acknowledges entries of a failover stream and deletes them, in one step.
 *
 * KEYS[1] the stream, KEYS[2] its byte counter. ARGV[1] the consumer group,
 * ARGV[2..] entry ids, each `<ms>-<seq>` (the reader checks the form first).
 *
 * XACK alone would leave the entries in the stream (and counted against its
 * cap) forever; XDEL alone would leave them in the group's pending list. The
 * byte counter drops by the sizes recorded in the entries this call deletes:
 * every id is first resolved to the entry it names (XRANGE answers with the
 * entry's own id, so `1-1` and `1-01` are one entry), each entry counts once
 * however often the call names it, and an entry already deleted (acknowledged
 * before, say by a consumer that reclaimed it) frees nothing. When the stream
 * is empty the counter is removed, which also clears any drift. Every read
 * comes before the first write, so a failing id leaves nothing changed.
 *
 * `allow-oom`: acknowledging is what frees memory, so it must run while Redis
 * is above maxmemory (a flagged script without it is refused there, and with
 * noeviction nothing else would ever bring Redis back under its limit). The
 * script only deletes; DECRBY rewrites an existing integer in place.
 */
export const ACK_SCRIPT = {
  name: 'eventpathFailoverAck',
  numberOfKeys: 2,
  lua: `#!lua flags=allow-oom
local stream, counter, group = KEYS[1], KEYS[2], ARGV[1]
local present, seen = {}, {}
local freed = 0
for i = 2, #ARGV do
  local entry = redis.call('XRANGE', stream, ARGV[i], ARGV[i])[1]
  if entry and not seen[entry[1]] then
    seen[entry[1]] = true
    present[#present + 1] = entry[1]
    local fields = entry[2]
    for j = 1, #fields, 2 do
      if fields[j] == 'n' then
        freed = freed + tonumber(fields[j + 1])
        break
      end
    end
  end
end
if #ARGV < 2 then return 0 end
local acked = redis.call('XACK', stream, group, unpack(ARGV, 2))
if #present > 0 then redis.call('XDEL', stream, unpack(present)) end
if redis.call('XLEN', stream) == 0 then
  redis.call('DEL', counter)
elseif freed > 0 then
  redis.call('DECRBY', counter, freed)
end
return acked
`,
} as const;
