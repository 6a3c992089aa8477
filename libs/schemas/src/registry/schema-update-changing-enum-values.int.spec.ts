import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { createLogger } from '@eventpath/runtime';
import { CapturedLogs } from '../test-support/captured-logs';
import { replaceFile, tempDir } from '../test-support/temp-files';
import { startSchemaRegistry, type SchemaRegistry, type SchemaUpdate } from './schema-registry';

const RIDE_CHANGED = 'eventpath.enums.RideChanged';
const STATUS = 'eventpath.enums.RideStatus';
const V1_VALUES = 'RIDE_STATUS_UNSPECIFIED = 0; BOOKED = 1; CANCELLED = 2;';

const rideProto = (statusValues: string) => `syntax = "proto3";
package eventpath.enums;
enum RideStatus { ${statusValues} }
message RideChanged { string ride_id = 1; RideStatus status = 2; map<string, RideStatus> legs = 3; }
`;

describe('a schema update that changes the enum values of a type in use', () => {
  let dir: string;
  let registry: SchemaRegistry | undefined;
  let logs: CapturedLogs;

  beforeEach(async () => {
    dir = await tempDir('schemas-enum-');
    await replaceFile(join(dir, 'rides.proto'), rideProto(V1_VALUES));
    logs = new CapturedLogs();
  });

  afterEach(async () => {
    await registry?.close();
    registry = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  const start = (onIncompatibleUpdate: 'reject' | 'accept' = 'reject') =>
    startSchemaRegistry({
      sources: [{ kind: 'protoDirectory', name: 'rides', directory: dir }],
      topics: { 'ride-changed': RIDE_CHANGED },
      // Updates are applied by reload() only, so each step is deterministic.
      pollIntervalMs: 0,
      onIncompatibleUpdate,
      metrics: new Registry(),
      logger: createLogger({ name: 'test', destination: logs }),
    });
  const update = async (statusValues: string) => {
    await replaceFile(join(dir, 'rides.proto'), rideProto(statusValues));
    return (registry as SchemaRegistry).reload('rides');
  };
  const refusals = () => logs.find('schema source not applied; the last good schema stays in use').map((line) => line.reason);

  it('is rejected when a value is renamed; JSON and Parquet rows keep the names in use', async () => {
    registry = await start();
    const ride = registry.messageTypeForTopic('ride-changed');
    const bytes = ride.encode({ ride_id: 'r-1', status: 'CANCELLED' });

    expect(await update('RIDE_STATUS_UNSPECIFIED = 0; BOOKED = 1; CANCELED = 2;')).toEqual(['incompatible_rejected']);
    expect(refusals()).toEqual([`incompatible update: enum ${STATUS} value 2 renamed from CANCELLED to CANCELED`]);

    const current = registry.messageTypeForTopic('ride-changed');
    expect(current.fingerprint).toBe(ride.fingerprint);
    const decoded = current.decode(bytes);
    expect(current.toJson(decoded)).toMatchObject({ rideId: 'r-1', status: 'CANCELLED' });
    expect(current.encode(current.fromJson({ rideId: 'r-2', status: 'CANCELLED' }))).toEqual(
      ride.encode({ ride_id: 'r-2', status: 2 }),
    );
    const row = current.parquetMapping().toRow(decoded, { topic: 'ride-changed', partition: 0, offset: 7, timestamp: 0 });
    expect(row.status).toBe('CANCELLED');
  });

  it('is rejected when a value is renumbered or removed; an added value is applied', async () => {
    registry = await start();
    const v1 = registry.messageTypeForTopic('ride-changed').fingerprint;

    expect(await update('RIDE_STATUS_UNSPECIFIED = 0; BOOKED = 1; CANCELLED = 3;')).toEqual(['incompatible_rejected']);
    expect(await update('RIDE_STATUS_UNSPECIFIED = 0; BOOKED = 1;')).toEqual(['incompatible_rejected']);
    expect(refusals()).toEqual([
      `incompatible update: enum ${STATUS} value CANCELLED changed number from 2 to 3`,
      `incompatible update: enum ${STATUS} value CANCELLED (2) was removed`,
    ]);
    expect(registry.messageTypeForTopic('ride-changed').fingerprint).toBe(v1);

    const updates: SchemaUpdate[] = [];
    registry.onUpdate((applied) => updates.push(applied));
    expect(await update(`${V1_VALUES} COMPLETED = 3;`)).toEqual(['updated']);
    const v2 = registry.messageTypeForTopic('ride-changed');
    expect(v2.fingerprint).not.toBe(v1);
    expect(updates).toEqual([
      expect.objectContaining({ changes: [{ messageType: RIDE_CHANGED, oldFingerprint: v1, newFingerprint: v2.fingerprint }] }),
    ]);
    expect(v2.decode(v2.encode({ ride_id: 'r-3', status: 'COMPLETED', legs: { a: 'COMPLETED' } }))).toMatchObject({
      status: 'COMPLETED',
      legs: new Map([['a', 'COMPLETED']]),
    });
  });

  it('is applied with onIncompatibleUpdate "accept", listing the enum incompatibilities', async () => {
    registry = await start('accept');
    const updates: SchemaUpdate[] = [];
    registry.onUpdate((applied) => updates.push(applied));
    expect(await update('RIDE_STATUS_UNSPECIFIED = 0; BOOKED = 2; CANCELLED = 1;')).toEqual(['incompatible_accepted']);
    expect(updates.map((applied) => applied.incompatibilities)).toEqual([
      [
        { messageType: RIDE_CHANGED, reason: `enum ${STATUS} value BOOKED changed number from 1 to 2` },
        { messageType: RIDE_CHANGED, reason: `enum ${STATUS} value CANCELLED changed number from 2 to 1` },
      ],
    ]);
  });
});
