import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { createLogger } from '@eventpath/runtime';
import { CapturedLogs } from '../test-support/captured-logs';
import { eventually } from '@eventpath/dev-infra';
import { startDecodeLoop } from '../test-support/live-decoding';
import { RIDE, RIDER, rideDescriptorSets, rideMatchesVersion, rideVersions, type RideVersions } from '../test-support/ride-schema-versions';
import { replaceFile, tempDir } from '../test-support/temp-files';
import { startSchemaRegistry, type SchemaRegistry, type SchemaUpdate } from './schema-registry';

describe('a descriptor set file changed on disk reaches running decoders', () => {
  let dir: string;
  let path: string;
  let versions: RideVersions;
  let registry: SchemaRegistry | undefined;
  let metrics: Registry;
  let logs: CapturedLogs;

  beforeAll(async () => {
    versions = await rideVersions();
  });

  beforeEach(async () => {
    dir = await tempDir('schemas-file-');
    path = join(dir, 'rides.desc');
    await replaceFile(path, rideDescriptorSets.v1());
    metrics = new Registry();
    logs = new CapturedLogs();
  });

  afterEach(async () => {
    await registry?.close();
    registry = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  const start = (onIncompatibleUpdate: 'reject' | 'accept' = 'reject') =>
    startSchemaRegistry({
      sources: [{ kind: 'descriptorSetFile', name: 'rides', path }],
      topics: { 'ride-booked': RIDE },
      pollIntervalMs: 30,
      onIncompatibleUpdate,
      metrics,
      logger: createLogger({ name: 'test', destination: logs }),
    });
  const reloads = async (outcome: string) =>
    (await metrics.getSingleMetric('eventpath_schema_reloads_total')?.get())?.values.find(
      (value) => value.labels.outcome === outcome && value.labels.source === 'rides',
    )?.value ?? 0;
  const sourceUp = async () => (await metrics.getSingleMetric('eventpath_schema_source_up')?.get())?.values[0]?.value;

  it('swaps in the new schema while decoding continues: no failed decode, the new field appears, listeners get both fingerprints', async () => {
    registry = await start();
    const updates: SchemaUpdate[] = [];
    registry.onUpdate((update) => updates.push(update));
    const before = registry.messageTypeForTopic('ride-booked');
    expect(before.decode(versions.bytes).city).toBeUndefined();

    const loop = startDecodeLoop(registry, RIDE, versions.bytes, rideMatchesVersion(versions));
    await eventually(async () => (await reloads('unchanged')) >= 2, 10_000, 'some decodes with v1');
    await replaceFile(path, rideDescriptorSets.v2());
    await eventually(() => registry?.messageType(RIDE).fingerprint === versions.v2, 10_000, 'the v2 fingerprint');
    await eventually(async () => (await reloads('unchanged')) >= 6, 10_000, 'more polls after the update');
    const report = await loop.stop();

    expect(report.decodes).toBeGreaterThan(200);
    expect(report.failures).toEqual([]);
    expect(report.mixed).toBe(0);
    expect(report.fingerprints).toEqual(new Set([versions.v1, versions.v2]));
    expect(registry.messageTypeForTopic('ride-booked').decode(versions.bytes)).toMatchObject({ city: 'Jakarta', rider: { rating: 5 } });
    // A MessageSchema obtained before the update still decodes with the version it was made from.
    expect(before.fingerprint).toBe(versions.v1);
    expect(before.decode(versions.bytes).city).toBeUndefined();

    expect(updates).toHaveLength(1);
    expect(updates[0].changes).toEqual([
      { messageType: RIDE, oldFingerprint: versions.v1, newFingerprint: versions.v2 },
      { messageType: RIDER, oldFingerprint: expect.any(String), newFingerprint: expect.any(String) },
    ]);
    expect(updates[0].changes[1].oldFingerprint).not.toBe(updates[0].changes[1].newFingerprint);
    expect(await reloads('updated')).toBe(1);
    expect(await sourceUp()).toBe(1);
  });

  it('keeps the last good schema when the new file is not a descriptor set, logs why and counts it', async () => {
    registry = await start();
    const loop = startDecodeLoop(registry, RIDE, versions.bytes, rideMatchesVersion(versions));
    await replaceFile(path, rideDescriptorSets.broken());
    await eventually(async () => (await reloads('invalid')) === 1, 10_000, 'the broken file to be refused');
    await eventually(async () => (await reloads('unchanged')) >= 3, 10_000, 'further polls');
    const report = await loop.stop();

    expect(report.failures).toEqual([]);
    expect(report.fingerprints).toEqual(new Set([versions.v1]));
    expect(await sourceUp()).toBe(0);
    expect(registry.sourceStatus()[0]).toMatchObject({ up: false, lastError: expect.stringMatching(/not a FileDescriptorSet/) });
    const refused = logs.find('schema source not applied; the last good schema stays in use');
    // Logged once although every later poll still sees the same bad file.
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ source: 'rides', outcome: 'invalid', reason: expect.stringMatching(/not a FileDescriptorSet/) });

    await replaceFile(path, rideDescriptorSets.v2());
    await eventually(() => registry?.messageType(RIDE).fingerprint === versions.v2, 10_000, 'the good file after the broken one');
    expect(await sourceUp()).toBe(1);
  });

  it('keeps the last good schema when the file disappears, and recovers when it is back', async () => {
    registry = await start();
    await rm(path);
    await eventually(async () => (await reloads('fetch_failed')) >= 1, 10_000, 'the failed read');
    expect(registry.messageType(RIDE).decode(versions.bytes)).toMatchObject({ ride_id: 'r-1' });
    expect(await sourceUp()).toBe(0);
    await replaceFile(path, rideDescriptorSets.v1());
    await eventually(async () => (await sourceUp()) === 1, 10_000, 'the source to be up again');
    expect(registry.messageType(RIDE).fingerprint).toBe(versions.v1);
  });

  it('rejects an update that changes a field type or number of a type in use, by default', async () => {
    registry = await start('reject');
    await replaceFile(path, rideDescriptorSets.incompatible());
    await eventually(async () => (await reloads('incompatible_rejected')) === 1, 10_000, 'the rejection');
    expect(registry.messageType(RIDE).fingerprint).toBe(versions.v1);
    const [refused] = logs.find('schema source not applied; the last good schema stays in use');
    expect(refused).toMatchObject({ outcome: 'incompatible_rejected' });
    expect(refused.reason).toMatch(/RideBooked\.fare_cents changed number from 2 to 5/);
    expect(refused.reason).toMatch(/Rider field 1 \(rider_id\) changed type from string to int64/);
  });

  it('applies an incompatible update when configured to accept, reporting the incompatibilities', async () => {
    registry = await start('accept');
    const updates: SchemaUpdate[] = [];
    registry.onUpdate((update) => updates.push(update));
    await replaceFile(path, rideDescriptorSets.incompatible());
    await eventually(() => updates.length === 1, 10_000, 'the update');
    expect(updates[0].incompatibilities.map((found) => found.reason)).toHaveLength(2);
    expect(registry.messageType(RIDE).fingerprint).not.toBe(versions.v1);
    expect(await reloads('incompatible_accepted')).toBe(1);
    expect(logs.find('schema source updated with incompatible changes (accepted by configuration)')).toHaveLength(1);
  });

  it('does not report types nobody uses as incompatible', async () => {
    registry = await startSchemaRegistry({
      sources: [{ kind: 'descriptorSetFile', name: 'rides', path }],
      pollIntervalMs: 30,
      metrics,
      logger: createLogger({ name: 'test', destination: logs }),
    });
    await replaceFile(path, rideDescriptorSets.incompatible());
    await eventually(async () => (await reloads('updated')) === 1, 10_000, 'the update');
    // Once looked up, a type is in use: changing it back is now incompatible.
    registry.messageType(RIDE);
    await replaceFile(path, rideDescriptorSets.v1());
    await eventually(async () => (await reloads('incompatible_rejected')) === 1, 10_000, 'the rejection');
  });
});
