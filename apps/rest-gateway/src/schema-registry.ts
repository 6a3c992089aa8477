import { dirname, isAbsolute, resolve } from 'node:path';
import { schemaSourceFromLocation, startSchemaRegistry, type SchemaRegistry } from '@eventpath/schemas';
import type { Logger, Registry } from '@eventpath/runtime';
import { openObjectStore } from '@eventpath/storage';
import type { GatewayConfigFile } from './gateway-config-file';

/** The topics of the config file that have a protobuf message type. */
export function schemaTopics(file: GatewayConfigFile): Record<string, string> {
  return Object.fromEntries(
    Object.entries(file.topics ?? {}).flatMap(([topic, settings]) => (settings?.messageType ? [[topic, settings.messageType]] : [])),
  );
}

/**
 * Starts libs/schemas' registry for the file's schema sources, when it has
 * any: local locations are relative to the config file; updates are polled
 * and, with `pushOverRedis`, pushed over REDIS_URL.
 */
export async function startGatewaySchemas(
  file: GatewayConfigFile,
  configPath: string | undefined,
  redisUrl: string,
  logger: Logger,
  metrics: Registry,
): Promise<SchemaRegistry | undefined> {
  if (!file.schemas) return undefined;
  const base = configPath ? dirname(configPath) : process.cwd();
  return startSchemaRegistry({
    sources: file.schemas.sources.map(({ name, location }) =>
      schemaSourceFromLocation(name, /^[a-z][a-z0-9+.-]*:\/\//i.test(location) || isAbsolute(location) ? location : resolve(base, location)),
    ),
    topics: schemaTopics(file),
    pollIntervalMs: file.schemas.pollIntervalMs,
    push: file.schemas.pushOverRedis ? { redisUrl } : undefined,
    openObjectStore: (url) => openObjectStore(url),
    logger: logger.child({ component: 'schema-registry' }),
    metrics,
  });
}
