import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGcsEmulator, type GcsEmulator } from './start-gcs-emulator';
import { rejectionStatus, startEmulatorWithClient, type EmulatorWithClient } from './test-support';

describe('buckets through the real client', () => {
  let env: EmulatorWithClient;

  beforeAll(async () => {
    env = await startEmulatorWithClient();
  });

  afterAll(async () => {
    await env.emulator.stop();
  });

  it('reports a missing bucket, creates it, then finds it', async () => {
    const bucket = env.storage.bucket('fresh-bucket');
    expect(await bucket.exists()).toEqual([false]);
    await bucket.create();
    expect(await bucket.exists()).toEqual([true]);
    const [metadata] = await bucket.getMetadata();
    expect(metadata).toMatchObject({ kind: 'storage#bucket', name: 'fresh-bucket', metageneration: '1' });
  });

  it('answers 409 when the bucket already exists', async () => {
    expect(await rejectionStatus(env.storage.createBucket('test-bucket'))).toBe(409);
  });

  it('answers 404 for getMetadata of a missing bucket', async () => {
    expect(await rejectionStatus(env.storage.bucket('no-such-bucket').getMetadata())).toBe(404);
  });

  it('lists buckets in name order, by prefix and page by page', async () => {
    for (const name of ['list-b', 'list-a', 'list-c']) await env.storage.createBucket(name);

    const [all] = await env.storage.getBuckets();
    const names = all.map((bucket) => bucket.name);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(['list-a', 'list-b', 'list-c', 'test-bucket']));

    const [listed] = await env.storage.getBuckets({ prefix: 'list-' });
    expect(listed.map((bucket) => bucket.name)).toEqual(['list-a', 'list-b', 'list-c']);
    expect(listed[0]?.metadata).toMatchObject({ kind: 'storage#bucket', name: 'list-a' });

    const first = (await (
      await fetch(`${env.emulator.url}/storage/v1/b?project=p&prefix=list-&maxResults=2`)
    ).json()) as { kind: string; items: { name: string }[]; nextPageToken: string };
    expect(first.kind).toBe('storage#buckets');
    expect(first.items.map((item) => item.name)).toEqual(['list-a', 'list-b']);
    const second = (await (
      await fetch(`${env.emulator.url}/storage/v1/b?project=p&prefix=list-&maxResults=2&pageToken=${first.nextPageToken}`)
    ).json()) as { items: { name: string }[]; nextPageToken?: string };
    expect(second.items.map((item) => item.name)).toEqual(['list-c']);
    expect(second.nextPageToken).toBeUndefined();
  });

  it('answers 400 to a bucket list without a project, or with a parameter it does not implement', async () => {
    expect((await fetch(`${env.emulator.url}/storage/v1/b`)).status).toBe(400);
    expect((await fetch(`${env.emulator.url}/storage/v1/b?project=p&fields=items(name)`)).status).toBe(400);
  });

  it('deletes an empty bucket, and refuses one that holds an object with 409', async () => {
    const bucket = env.storage.bucket('to-delete');
    await bucket.create();
    await bucket.file('keep.txt').save('x');

    expect(await rejectionStatus(bucket.delete())).toBe(409);
    expect(await bucket.exists()).toEqual([true]);

    await bucket.file('keep.txt').delete();
    await bucket.delete();
    expect(await bucket.exists()).toEqual([false]);
    expect(await rejectionStatus(bucket.delete())).toBe(404);
    // The name is free again, and the new bucket starts empty.
    await bucket.create();
    expect((await bucket.getFiles())[0]).toEqual([]);
  });

  it('keeps a deleted bucket deleted across a restart of the emulator on the same directory', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'gcs-buckets-restart-'));
    const running: GcsEmulator[] = [];
    try {
      const first = await startGcsEmulator({ buckets: ['kept', 'dropped'], dataDir });
      running.push(first);
      expect((await fetch(`${first.url}/storage/v1/b/dropped`, { method: 'DELETE' })).status).toBe(204);
      await first.stop();

      const second = await startGcsEmulator({ dataDir });
      running.push(second);
      const listing = (await (await fetch(`${second.url}/storage/v1/b?project=p`)).json()) as {
        items?: { name: string }[];
      };
      expect(listing.items?.map((item) => item.name)).toEqual(['kept']);
    } finally {
      await Promise.all(running.map((emulator) => emulator.stop()));
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
