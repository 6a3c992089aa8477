import { openObjectStore, type ObjectStore } from '@eventpath/storage';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createLogger } from '@eventpath/runtime';
import { CapturedLogs } from '../test-support/captured-logs';
import { eventually } from '@eventpath/dev-infra';
import { startDecodeLoop } from '../test-support/live-decoding';
import { RIDE, rideDescriptorSets, rideMatchesVersion, rideVersions, type RideVersions } from '../test-support/ride-schema-versions';
import { tempDir } from '../test-support/temp-files';
import { startSchemaRegistry, type SchemaRegistry } from './schema-registry';

/** Counts the calls the registry makes, to show that a poll of an unchanged object is only a stat. */
function counting(store: ObjectStore): { store: ObjectStore; calls: { stat: number; get: number } } {
  const calls = { stat: 0, get: 0 };
  return {
    calls,
    store: {
      url: store.url,
      putFile: (...args) => store.putFile(...args),
      putStream: (...args) => store.putStream(...args),
      list: (...args) => store.list(...args),
      delete: (...args) => store.delete(...args),
      stat: (name) => {
        calls.stat++;
        return store.stat(name);
      },
      get: (name) => {
        calls.get++;
        return store.get(name);
      },
    },
  };
}

describe('a descriptor set object rewritten in storage reaches running decoders', () => {
  let dir: string;
  let storeUrl: string;
  let upload: (content: Uint8Array) => Promise<void>;
  let registry: SchemaRegistry | undefined;
  let versions: RideVersions;
  let calls: { stat: number; get: number };
  let openedUrls: string[];

  beforeAll(async () => {
    versions = await rideVersions();
  });

  beforeEach(async () => {
    dir = await tempDir('schemas-store-');
    storeUrl = pathToFileURL(join(dir, 'bucket')).href;
    const store = await openObjectStore(storeUrl);
    upload = async (content) => {
      const local = join(dir, 'upload.desc');
      await writeFile(local, content);
      await store.putFile(local, 'schemas/rides.desc');
    };
    await upload(rideDescriptorSets.v1());
    openedUrls = [];
    registry = await startSchemaRegistry({
      sources: [{ kind: 'descriptorSetObject', name: 'bucket', url: `${storeUrl}/schemas/rides.desc` }],
      // The app decides how to open a store; here the real local-directory store, counted.
      openObjectStore: async (url) => {
        openedUrls.push(url);
        const wrapped = counting(await openObjectStore(url));
        calls = wrapped.calls;
        return wrapped.store;
      },
      pollIntervalMs: 30,
      logger: createLogger({ name: 'test', destination: new CapturedLogs() }),
    });
  });

  afterEach(async () => {
    await registry?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('opens the store through the app-supplied factory, at the URL prefix of the object', () => {
    expect(openedUrls).toEqual([`${storeUrl}/schemas`]);
  });

  it('polls with stat only while the generation is unchanged', async () => {
    await eventually(() => calls.stat >= 5, 10_000, 'several polls');
    expect(calls.get).toBe(1);
  });

  it('applies the rewritten object while decoding continues, without a failed decode', async () => {
    const loop = startDecodeLoop(registry as SchemaRegistry, RIDE, versions.bytes, rideMatchesVersion(versions));
    await eventually(() => calls.stat >= 2, 10_000, 'some polls');
    await upload(rideDescriptorSets.v2());
    await eventually(() => registry?.messageType(RIDE).fingerprint === versions.v2, 10_000, 'the v2 fingerprint');
    const stats = calls.stat;
    await eventually(() => calls.stat >= stats + 3, 10_000, 'polls after the update');
    const report = await loop.stop();

    expect(report.decodes).toBeGreaterThan(200);
    expect(report.failures).toEqual([]);
    expect(report.mixed).toBe(0);
    expect(report.fingerprints).toEqual(new Set([versions.v1, versions.v2]));
    expect(calls.get).toBe(2);
  });

  it('keeps the last good schema when the object is deleted or replaced by garbage', async () => {
    const store = await openObjectStore(storeUrl);
    await store.delete('schemas/rides.desc');
    await eventually(() => registry?.sourceStatus()[0].up === false, 10_000, 'the failed read');
    expect(registry?.sourceStatus()[0].lastError).toMatch(/does not exist/);
    await upload(rideDescriptorSets.broken());
    await eventually(() => /not a FileDescriptorSet/.test(registry?.sourceStatus()[0].lastError ?? ''), 10_000, 'the refused content');
    expect(registry?.messageType(RIDE).decode(versions.bytes).ride_id).toBe('r-1');
    expect(registry?.messageType(RIDE).fingerprint).toBe(versions.v1);
  });
});
