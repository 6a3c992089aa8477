import { join } from 'node:path';
import { kafkaConfigSchema } from '@eventpath/queues';
/* eslint-disable @nx/enforce-module-boundaries -- the checks read each app's own config loader, the one authority on the keys it reads */
import { loadArchiverConfig } from '../../../../apps/archiver/src/config';
import { loadFrontingWorkerConfig } from '../../../../apps/fronting-worker/src/config';
import { loadRestGatewayConfig } from '../../../../apps/rest-gateway/src/config';
/* eslint-enable @nx/enforce-module-boundaries */
import { REPO_ROOT, type DeployedApp } from '../deployed-apps';

type Loader = (env: NodeJS.ProcessEnv) => unknown;

const LOADERS: Record<DeployedApp['name'], { load: Loader; base: NodeJS.ProcessEnv; scanned?: string[] }> = {
  'rest-gateway': { load: loadRestGatewayConfig, base: {} },
  'fronting-worker': { load: loadFrontingWorkerConfig, base: {} },
  // The archiver reads its file first; the example lets it go on to every environment override.
  // It finds MAINSTREAM_KAFKA_* by scanning the environment for the prefix, then loads them with this schema.
  archiver: {
    load: loadArchiverConfig,
    base: { ARCHIVER_CONFIG: join(REPO_ROOT, 'apps', 'archiver', 'example', 'archiver.yaml') },
    scanned: Object.keys(kafkaConfigSchema('MAINSTREAM_').shape),
  },
};

/**
 * The environment variables an app's config loader reads, recorded by running the
 * loader on an environment that notes every key asked for. Missing required keys make
 * the loader throw after it has read every key, which is all this needs.
 */
export function environmentKeysReadBy(app: DeployedApp['name']): string[] {
  const { load, base, scanned = [] } = LOADERS[app];
  const read = new Set<string>(scanned);
  const env = new Proxy(base, {
    get: (target, key) => {
      if (typeof key === 'string') read.add(key);
      return target[key as string];
    },
    has: (target, key) => {
      if (typeof key === 'string') read.add(key);
      return key in target;
    },
  });
  try {
    load(env);
  } catch {
    // ConfigError for the unset required keys: expected.
  }
  return [...read].sort();
}
