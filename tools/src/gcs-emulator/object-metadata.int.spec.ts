import { rejectionStatus, startEmulatorWithClient, type EmulatorWithClient } from './test-support';

describe('object metadata, patch and delete through the real client', () => {
  let env: EmulatorWithClient;

  beforeAll(async () => {
    env = await startEmulatorWithClient();
  });

  afterAll(async () => {
    await env.emulator.stop();
  });

  it('reports a missing object as absent and its metadata as 404', async () => {
    const file = env.bucket.file('missing');
    expect(await file.exists()).toEqual([false]);
    expect(await rejectionStatus(file.getMetadata())).toBe(404);
  });

  it('returns size, generation and metageneration as strings, with content type and hashes', async () => {
    const file = env.bucket.file('described.txt');
    await file.save('twelve bytes', { contentType: 'text/plain' });
    expect(await file.exists()).toEqual([true]);
    const [metadata] = await file.getMetadata();
    expect(metadata).toMatchObject({
      name: 'described.txt',
      bucket: 'test-bucket',
      size: '12',
      metageneration: '1',
      contentType: 'text/plain',
      md5Hash: expect.any(String),
      crc32c: expect.any(String),
    });
    expect(metadata.generation).toMatch(/^\d+$/);
  });

  it('merges custom metadata on setMetadata, removes keys set to null, and bumps the metageneration', async () => {
    const file = env.bucket.file('patched.txt');
    await file.save('x', { metadata: { metadata: { keep: 'k', drop: 'd' } } });
    const [before] = await file.getMetadata();

    await file.setMetadata({ metadata: { drop: null, added: 'a' }, cacheControl: 'no-store' });

    const [after] = await file.getMetadata();
    expect(after.metadata).toEqual({ keep: 'k', added: 'a' });
    expect(after.cacheControl).toBe('no-store');
    expect(after.metageneration).toBe('2');
    expect(after.generation).toBe(before.generation);
  });

  it('applies ifMetagenerationMatch to setMetadata', async () => {
    const file = env.bucket.file('conditional-patch.txt');
    await file.save('x');
    expect(await rejectionStatus(file.setMetadata({ metadata: { a: '1' } }, { ifMetagenerationMatch: 5 }))).toBe(412);
    await file.setMetadata({ metadata: { a: '1' } }, { ifMetagenerationMatch: 1 });
  });

  it('deletes an object, then answers 404 for it', async () => {
    const file = env.bucket.file('deleted.txt');
    await file.save('x');
    await file.delete();
    expect(await file.exists()).toEqual([false]);
    expect(await rejectionStatus(file.delete())).toBe(404);
  });

  it('refuses a delete whose generation precondition fails with 412', async () => {
    const file = env.bucket.file('guarded.txt');
    await file.save('x');
    expect(await rejectionStatus(file.delete({ ifGenerationMatch: 1 }))).toBe(412);
    expect(await file.exists()).toEqual([true]);
  });
});
