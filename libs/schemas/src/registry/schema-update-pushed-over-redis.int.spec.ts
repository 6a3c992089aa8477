import { startRedis, type DevRedis } from '@eventpath/dev-infra';
import { createLogger } from '@eventpath/runtime';
import Redis from 'ioredis';
import { cp, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { CapturedLogs } from '../test-support/captured-logs';
import { DescriptorSetServer } from '../test-support/descriptor-set-server';
import { readDescriptorSet, UPDATES_DIR } from '../test-support/fixtures';
import { eventually } from '@eventpath/dev-infra';
import { startDecodeLoop } from '../test-support/live-decoding';
import { RIDE, rideMatchesVersion, rideVersions, type RideVersions } from '../test-support/ride-schema-versions';
import { tempDir } from '../test-support/temp-files';
import { DEFAULT_SCHEMA_UPDATE_CHANNEL } from './redis-push-channel';
import { startSchemaRegistry, type SchemaRegistry } from './schema-registry';

describe('a Redis pub/sub message naming a source triggers an immediate reload', () => {
  let redis: DevRedis;
  let publisher: Redis;
  let dir: string;
  let server: DescriptorSetServer;
  let registry: SchemaRegistry | undefined;
  let versions: RideVersions;
  let metrics: Registry;
  let logs: CapturedLogs;

  const useVersion = async (version: 'v1' | 'v2') => {
    await rm(join(dir, 'eventpath'), { recursive: true, force: true });
    await cp(join(UPDATES_DIR, version, 'eventpath'), join(dir, 'eventpath'), { recursive: true });
  };
  const subscribers = async () => ((await publisher.pubsub('NUMSUB', DEFAULT_SCHEMA_UPDATE_CHANNEL)) as [string, number])[1];

  beforeAll(async () => {
    versions = await rideVersions();
    redis = await startRedis();
    publisher = new Redis(redis.url, { maxRetriesPerRequest: null, retryStrategy: () => 100 });
  });

  afterAll(async () => {
    publisher?.disconnect();
    await redis?.stop();
  });

  beforeEach(async () => {
    dir = await tempDir('schemas-push-');
    await mkdir(dir, { recursive: true });
    await useVersion('v1');
    server = await DescriptorSetServer.start(readDescriptorSet('fixtures'));
    metrics = new Registry();
    logs = new CapturedLogs();
    registry = await startSchemaRegistry({
      sources: [
        { kind: 'protoDirectory', name: 'protos', directory: dir },
        { kind: 'descriptorSetHttp', name: 'stencil', url: server.url },
      ],
      // Polling off: only the push channel can bring updates.
      pollIntervalMs: 0,
      push: { redisUrl: redis.url },
      metrics,
      logger: createLogger({ name: 'test', destination: logs }),
    });
    await eventually(async () => (await subscribers()) === 1, 10_000, 'the registry to subscribe');
  });

  afterEach(async () => {
    await registry?.close();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('reloads only the named source, at once, while decoding continues without a failed decode', async () => {
    const loop = startDecodeLoop(registry as SchemaRegistry, RIDE, versions.bytes, rideMatchesVersion(versions));
    await useVersion('v2');
    await publisher.publish(DEFAULT_SCHEMA_UPDATE_CHANNEL, 'protos');
    await eventually(() => registry?.messageType(RIDE).fingerprint === versions.v2, 5_000, 'the v2 fingerprint');
    const report = await loop.stop();

    expect(report.failures).toEqual([]);
    expect(report.mixed).toBe(0);
    expect(report.fingerprints).toEqual(new Set([versions.v1, versions.v2]));
    // The other source was not asked.
    expect(server.requests).toHaveLength(1);
  });

  it('reloads every source on "*"', async () => {
    await useVersion('v2');
    await publisher.publish(DEFAULT_SCHEMA_UPDATE_CHANNEL, '*');
    await eventually(() => server.requests.length === 2 && registry?.messageType(RIDE).fingerprint === versions.v2, 10_000, 'both sources to be read');
  });

  it('counts and logs a message naming no configured source', async () => {
    await publisher.publish(DEFAULT_SCHEMA_UPDATE_CHANNEL, 'nobody');
    const unknown = async () =>
      (await metrics.getSingleMetric('eventpath_schema_push_messages_total')?.get())?.values.find(
        (value) => value.labels.outcome === 'unknown_source',
      )?.value;
    await eventually(async () => (await unknown()) === 1, 10_000, 'the unknown-source count');
    expect(logs.find('schema push message names no configured source')).toEqual([expect.objectContaining({ payload: 'nobody' })]);
  });

  it('rechecks every source after a lost Redis connection, since pushes sent meanwhile are gone', async () => {
    await redis.kill();
    await useVersion('v2');
    await redis.restart();
    await eventually(() => registry?.messageType(RIDE).fingerprint === versions.v2, 15_000, 'the reload after reconnecting');
    expect(server.requests).toHaveLength(2);
  });
});
