import type { Cluster, Redis } from 'ioredis';

/** A standalone Redis or a Redis Cluster client. */
export type RedisClient = Redis | Cluster;

export interface LuaScript {
  name: string;
  numberOfKeys: number;
  lua: string;
}

type ScriptCommand = (...args: Array<string | Buffer | number>) => Promise<unknown>;

/**
 * Runs one of this library's Lua scripts. ioredis's defineCommand sends
 * EVALSHA and falls back to EVAL when the server does not know the script
 * (after a restart or on a new cluster node).
 */
export function runScript(
  redis: RedisClient,
  script: LuaScript,
  keys: string[],
  args: Array<string | Buffer | number>,
): Promise<unknown> {
  const commands = redis as unknown as Record<string, ScriptCommand | undefined>;
  if (typeof commands[script.name] !== 'function') {
    redis.defineCommand(script.name, { numberOfKeys: script.numberOfKeys, lua: script.lua });
  }
  return (commands[script.name] as ScriptCommand).call(redis, ...keys, ...args);
}
