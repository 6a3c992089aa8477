/**
 * Creates a failover stream's consumer group unless it exists.
 *
 * KEYS[1] the stream. ARGV[1] the group. Returns 1 when it created the group,
 * 0 when the group was there.
 *
 * The group starts at id 0, so entries appended before any worker ever ran
 * are drained too; a missing stream is created empty (a reader can only wait
 * on a stream that exists). XGROUP CREATE is refused with OOM while Redis is
 * above maxmemory, even for a group that already exists, which would keep a
 * fresh worker from ever reading the entries whose deletion frees memory.
 * `allow-oom` lets this script create it anyway: a group, or an empty stream,
 * is a few hundred bytes.
 */
export const ENSURE_GROUP_SCRIPT = {
  name: 'eventpathFailoverEnsureGroup',
  numberOfKeys: 1,
  lua: `#!lua flags=allow-oom
local created = redis.pcall('XGROUP', 'CREATE', KEYS[1], ARGV[1], '0', 'MKSTREAM')
if type(created) == 'table' and created.err then
  if string.sub(created.err, 1, 9) == 'BUSYGROUP' then return 0 end
  return redis.error_reply(created.err)
end
return 1
`,
} as const;
