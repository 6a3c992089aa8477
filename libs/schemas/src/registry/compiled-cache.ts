import type { SchemaSet } from '../model/schema-model';

const caches = new WeakMap<SchemaSet, Map<string, unknown>>();

/**
 * Generated codecs and row converters live as long as the schema set they
 * were built from: a reload that leaves a source unchanged keeps them, a
 * changed source gets new ones built on first use.
 */
export function compiledFor<T>(set: SchemaSet, key: string, build: () => T): T {
  let cache = caches.get(set);
  if (!cache) {
    cache = new Map();
    caches.set(set, cache);
  }
  if (cache.has(key)) return cache.get(key) as T;
  const built = build();
  cache.set(key, built);
  return built;
}
