import { Registry } from 'prom-client';
import { createLogger } from '@eventpath/runtime';
import { CapturedLogs } from '../test-support/captured-logs';
import { DescriptorSetServer } from '../test-support/descriptor-set-server';
import { eventually } from '@eventpath/dev-infra';
import { startDecodeLoop } from '../test-support/live-decoding';
import { RIDE, rideDescriptorSets, rideMatchesVersion, rideVersions, type RideVersions } from '../test-support/ride-schema-versions';
import { startSchemaRegistry, type SchemaRegistry } from './schema-registry';

describe('a schema server answering with a new ETag reaches running decoders', () => {
  let server: DescriptorSetServer;
  let registry: SchemaRegistry | undefined;
  let versions: RideVersions;
  let metrics: Registry;

  beforeAll(async () => {
    versions = await rideVersions();
  });

  beforeEach(async () => {
    server = await DescriptorSetServer.start(rideDescriptorSets.v1());
    metrics = new Registry();
    registry = await startSchemaRegistry({
      sources: [{ kind: 'descriptorSetHttp', name: 'stencil', url: server.url, headers: { authorization: 'Bearer test' } }],
      topics: { rides: RIDE },
      pollIntervalMs: 30,
      metrics,
      logger: createLogger({ name: 'test', destination: new CapturedLogs() }),
    });
  });

  afterEach(async () => {
    await registry?.close();
    await server.stop();
  });

  it('polls with If-None-Match so an unchanged schema costs a 304 without a body', async () => {
    await eventually(() => server.requests.length >= 5, 10_000, 'several polls');
    expect(server.count(200)).toBe(1);
    expect(server.count(304)).toBe(server.requests.length - 1);
    expect(server.requests[1].headers).toMatchObject({ 'if-none-match': expect.stringMatching(/^".+"$/), authorization: 'Bearer test' });
  });

  it('applies the new descriptor set while decoding continues, without a failed decode', async () => {
    const loop = startDecodeLoop(registry as SchemaRegistry, RIDE, versions.bytes, rideMatchesVersion(versions));
    await eventually(() => server.count(304) >= 2, 10_000, 'some polls');
    server.publish(rideDescriptorSets.v2());
    await eventually(() => registry?.messageType(RIDE).fingerprint === versions.v2, 10_000, 'the v2 fingerprint');
    const seen = server.requests.length;
    await eventually(() => server.requests.length >= seen + 3, 10_000, 'polls after the update');
    const report = await loop.stop();

    expect(report.decodes).toBeGreaterThan(200);
    expect(report.failures).toEqual([]);
    expect(report.mixed).toBe(0);
    expect(report.fingerprints).toEqual(new Set([versions.v1, versions.v2]));
    expect(registry?.messageType(RIDE).decode(versions.bytes).city).toBe('Jakarta');
    expect(server.count(200)).toBe(2);
  });

  it('keeps the last good schema through a server outage and picks up changes after it', async () => {
    server.failWith = 503;
    const failedPolls = async () =>
      (await metrics.getSingleMetric('eventpath_schema_reloads_total')?.get())?.values.find(
        (value) => value.labels.outcome === 'fetch_failed',
      )?.value ?? 0;
    await eventually(async () => (await failedPolls()) >= 3, 10_000, 'failed polls to be counted');
    expect(registry?.sourceStatus()[0]).toMatchObject({ up: false, lastError: expect.stringMatching(/HTTP 503/) });
    expect(registry?.messageType(RIDE).decode(versions.bytes).ride_id).toBe('r-1');

    server.publish(rideDescriptorSets.v2());
    server.failWith = undefined;
    await eventually(() => registry?.messageType(RIDE).fingerprint === versions.v2, 10_000, 'the v2 fingerprint');
    expect(registry?.sourceStatus()[0].up).toBe(true);
  });
});
