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
});
