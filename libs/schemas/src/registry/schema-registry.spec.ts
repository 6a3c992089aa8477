import { createLogger } from '@eventpath/runtime';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidSchemaError, SchemaFetchError, SchemaRegistryConfigError, UnknownTopicError } from '../errors';
import { CapturedLogs } from '../test-support/captured-logs';
import { descriptorSetPath, PROTO_DIR } from '../test-support/fixtures';
import { RIDE, rideDescriptorSets, rideVersions } from '../test-support/ride-schema-versions';
import { replaceFile, tempDir } from '../test-support/temp-files';
import { startSchemaRegistry, type SchemaRegistry, type SchemaRegistryOptions } from './schema-registry';
import { schemaSourceFromLocation } from './sources/create-schema-source';

describe('startSchemaRegistry', () => {
  let registry: SchemaRegistry | undefined;
  let dir: string;
  let logs: CapturedLogs;

  beforeEach(async () => {
    dir = await tempDir('schemas-registry-');
    logs = new CapturedLogs();
  });

  afterEach(async () => {
    await registry?.close();
    registry = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  const start = async (options: Partial<SchemaRegistryOptions>) => {
    registry = await startSchemaRegistry({
      sources: [{ kind: 'descriptorSetFile', name: 'fixtures', path: descriptorSetPath('fixtures') }],
      pollIntervalMs: 0,
      logger: createLogger({ name: 'test', destination: logs }),
      ...options,
    });
    return registry;
  };

  it('looks message types up by fully-qualified name and by topic', async () => {
    const started = await start({ topics: { orders: 'eventpath.fixtures.Order' } });
    expect(started.messageTypeForTopic('orders').name).toBe('eventpath.fixtures.Order');
    expect(started.messageTypeForTopic('orders').source).toBe('fixtures');
    expect(started.messageType('eventpath.fixtures.Money').name).toBe('eventpath.fixtures.Money');
    expect(() => started.messageTypeForTopic('payments')).toThrow(UnknownTopicError);
  });

  it('fails to start when a topic is mapped to a type no source defines', async () => {
    await expect(start({ topics: { orders: 'eventpath.fixtures.Nope' } })).rejects.toThrow(
      new SchemaRegistryConfigError('topic orders is mapped to eventpath.fixtures.Nope, which no schema source defines'),
    );
  });

  it('fails to start when a source cannot be read or is invalid, since there is no last good schema yet', async () => {
    await expect(start({ sources: [{ kind: 'descriptorSetFile', name: 'gone', path: join(dir, 'missing.desc') }] })).rejects.toThrow(
      SchemaFetchError,
    );
    await replaceFile(join(dir, 'broken.desc'), rideDescriptorSets.broken());
    const invalid = start({ sources: [{ kind: 'descriptorSetFile', name: 'bad', path: join(dir, 'broken.desc') }] });
    await expect(invalid).rejects.toThrow(InvalidSchemaError);
    await expect(invalid).rejects.toMatchObject({ source: 'bad', message: expect.stringMatching(/^schema source bad: /) });
  });

  it('refuses duplicate source names and an object URL without a store opener', async () => {
    await expect(
      start({
        sources: [
          { kind: 'protoDirectory', name: 'a', directory: PROTO_DIR },
          { kind: 'descriptorSetFile', name: 'a', path: descriptorSetPath('fixtures') },
        ],
      }),
    ).rejects.toThrow('two schema sources are named a');
    await expect(start({ sources: [{ kind: 'descriptorSetObject', name: 'gcs', url: 'gs://bucket/x.desc' }] })).rejects.toThrow(
      /needs the registry option openObjectStore/,
    );
  });

  it('takes a type defined by several sources from the first', async () => {
    const started = await start({
      sources: [
        { kind: 'descriptorSetFile', name: 'ride', path: descriptorSetPath('ride-v2') },
        { kind: 'descriptorSetFile', name: 'ride-old', path: descriptorSetPath('ride-v1') },
      ],
    });
    expect(started.messageType(RIDE).source).toBe('ride');
    expect(started.messageType(RIDE).fingerprint).toBe((await rideVersions()).v2);
  });

  it('reloads on request, reporting the outcome per source', async () => {
    const path = join(dir, 'rides.desc');
    await replaceFile(path, rideDescriptorSets.v1());
    const started = await start({ sources: [{ kind: 'descriptorSetFile', name: 'rides', path }] });
    expect(await started.reload()).toEqual(['unchanged']);
    await replaceFile(path, rideDescriptorSets.v2());
    expect(await started.reload('rides')).toEqual(['updated']);
    await expect(started.reload('nope')).rejects.toThrow(SchemaRegistryConfigError);
  });

  it('keeps notifying other listeners when one throws, and stops notifying after unsubscribe', async () => {
    const path = join(dir, 'rides.desc');
    await replaceFile(path, rideDescriptorSets.v1());
    const started = await start({ sources: [{ kind: 'descriptorSetFile', name: 'rides', path }] });
    const seen: number[] = [];
    started.onUpdate(() => {
      throw new Error('listener bug');
    });
    const unsubscribe = started.onUpdate((update) => seen.push(update.version));
    await replaceFile(path, rideDescriptorSets.v2());
    await started.reload();
    unsubscribe();
    await replaceFile(path, rideDescriptorSets.v1());
    await started.reload();
    expect(seen).toEqual([2]);
    // The failing listener stays subscribed and fails on both updates.
    expect(logs.find('schema update listener failed')).toEqual([
      expect.objectContaining({ err: 'listener bug' }),
      expect.objectContaining({ err: 'listener bug' }),
    ]);
  });

  it('lets a held snapshot keep one version across calls', async () => {
    const path = join(dir, 'rides.desc');
    await replaceFile(path, rideDescriptorSets.v1());
    const started = await start({ sources: [{ kind: 'descriptorSetFile', name: 'rides', path }] });
    const held = started.snapshot();
    await replaceFile(path, rideDescriptorSets.v2());
    await started.reload();
    expect(held.version).toBe(1);
    expect(started.snapshot().version).toBe(2);
    expect(held.messageType(RIDE).fingerprint).toBe((await rideVersions()).v1);
  });
});

describe('schemaSourceFromLocation', () => {
  it('picks the source kind from the location', () => {
    expect(schemaSourceFromLocation('s', 'https://stencil.internal/v1/schemas/x')).toMatchObject({ kind: 'descriptorSetHttp' });
    expect(schemaSourceFromLocation('s', 'gs://bucket/schemas/x.desc')).toMatchObject({ kind: 'descriptorSetObject' });
    expect(schemaSourceFromLocation('s', 'file:///var/schemas/x.desc')).toMatchObject({ kind: 'descriptorSetObject' });
    expect(schemaSourceFromLocation('s', PROTO_DIR)).toEqual({ kind: 'protoDirectory', name: 's', directory: PROTO_DIR });
    expect(schemaSourceFromLocation('s', descriptorSetPath('fixtures'))).toMatchObject({ kind: 'descriptorSetFile' });
    expect(() => schemaSourceFromLocation('s', 'ftp://host/x.desc')).toThrow(SchemaRegistryConfigError);
  });
});
