import { rejectionStatus, startEmulatorWithClient, type EmulatorWithClient } from './test-support';

/**
 * `ifGenerationNotMatch` / `ifMetagenerationNotMatch` on a read: GCS answers 304 Not
 * Modified, with no body, when the object still has that (meta)generation, so a client can
 * revalidate what it cached. On writes the same conditions still fail with 412.
 */
describe('conditional reads', () => {
  let env: EmulatorWithClient;
  let generation: string;

  beforeAll(async () => {
    env = await startEmulatorWithClient();
    const file = env.bucket.file('cached.txt');
    await file.save('cached content');
    generation = (await file.getMetadata())[0].generation as string;
  });

  afterAll(async () => {
    await env.emulator.stop();
  });

  const get = (query: string, alt = '') =>
    fetch(`${env.emulator.url}/storage/v1/b/test-bucket/o/cached.txt?${query}${alt}`);

  it.each([
    ['metadata', ''],
    ['media', '&alt=media'],
  ])('answers 304 without a body to a %s GET whose ifGenerationNotMatch is the live generation', async (_kind, alt) => {
    const response = await get(`ifGenerationNotMatch=${generation}`, alt);
    expect(response.status).toBe(304);
    expect(await response.text()).toBe('');

    const changed = await get(`ifGenerationNotMatch=${BigInt(generation) - 1n}`, alt);
    expect(changed.status).toBe(200);
    expect(await changed.text()).toContain(alt ? 'cached content' : '"name":"cached.txt"');
  });

  it('answers 304 to ifMetagenerationNotMatch on the live metageneration, also on the /download path', async () => {
    expect((await get('ifMetagenerationNotMatch=1')).status).toBe(304);
    const download = await fetch(
      `${env.emulator.url}/download/storage/v1/b/test-bucket/o/cached.txt?alt=media&ifMetagenerationNotMatch=1`,
    );
    expect(download.status).toBe(304);
    expect((await get('ifMetagenerationNotMatch=2')).status).toBe(200);
  });

  it('still answers 412 to a failing ifGenerationMatch on a read, and 404 for a missing object', async () => {
    expect((await get(`ifGenerationMatch=1&ifGenerationNotMatch=${generation}`)).status).toBe(412);
    const missing = await fetch(`${env.emulator.url}/storage/v1/b/test-bucket/o/missing?ifGenerationNotMatch=1`);
    expect(missing.status).toBe(404);
  });

  it('reports 304 through the real client, and keeps 412 for a conditional delete', async () => {
    const file = env.bucket.file('cached.txt');
    expect(await rejectionStatus(file.getMetadata({ ifGenerationNotMatch: generation }))).toBe(304);
    expect(await rejectionStatus(file.delete({ ifGenerationNotMatch: Number(generation) }))).toBe(412);
    expect(await file.exists()).toEqual([true]);
  });
});
