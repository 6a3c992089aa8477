import { randomBytes } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import { rejectionStatus, startEmulatorWithClient, type EmulatorWithClient } from './test-support';

describe('downloads through the real client', () => {
  let env: EmulatorWithClient;
  const data = randomBytes(1024 * 1024 + 7);

  beforeAll(async () => {
    env = await startEmulatorWithClient();
    await env.bucket.file('data.bin').save(data);
  });

  afterAll(async () => {
    await env.emulator.stop();
  });

  it('downloads a whole object', async () => {
    expect((await env.bucket.file('data.bin').download())[0].equals(data)).toBe(true);
  });

  it('streams a byte range with createReadStream', async () => {
    const stream = env.bucket.file('data.bin').createReadStream({ start: 1000, end: 200_999 });
    expect((await buffer(stream)).equals(data.subarray(1000, 201_000))).toBe(true);
  });

  it('answers a range with 206 and Content-Range, and every download with the hashes the client checks', async () => {
    const url = `${env.emulator.url}/storage/v1/b/test-bucket/o/data.bin?alt=media`;
    const ranged = await fetch(url, { headers: { Range: 'bytes=10-19' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 10-19/${data.length}`);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(data.subarray(10, 20))).toBe(true);

    const [metadata] = await env.bucket.file('data.bin').getMetadata();
    const whole = await fetch(url);
    await whole.arrayBuffer();
    expect(whole.headers.get('x-goog-hash')).toBe(`crc32c=${metadata.crc32c},md5=${metadata.md5Hash}`);
    expect(whole.headers.get('x-goog-stored-content-encoding')).toBe('identity');
  });

  it('answers 416 for a range past the end', async () => {
    const response = await fetch(`${env.emulator.url}/storage/v1/b/test-bucket/o/data.bin?alt=media`, {
      headers: { Range: `bytes=${data.length}-` },
    });
    expect(response.status).toBe(416);
    expect(response.headers.get('content-range')).toBe(`bytes */${data.length}`);
  });

  it('serves the mediaLink of the object resource, which uses the /download/storage/v1 path like GCS', async () => {
    const [metadata] = await env.bucket.file('data.bin').getMetadata();
    const mediaLink = new URL(metadata.mediaLink ?? '');
    expect(mediaLink.pathname).toBe('/download/storage/v1/b/test-bucket/o/data.bin');
    expect(mediaLink.searchParams.get('alt')).toBe('media');
    expect(mediaLink.searchParams.get('generation')).toBe(metadata.generation);

    const whole = await fetch(mediaLink);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('x-goog-hash')).toBe(`crc32c=${metadata.crc32c},md5=${metadata.md5Hash}`);
    expect(Buffer.from(await whole.arrayBuffer()).equals(data)).toBe(true);
  });

  it('serves ranges and encoded names on the /download path, and 404 for a missing object there', async () => {
    await env.bucket.file('dir/with space.txt').save('0123456789');
    const url = `${env.emulator.url}/download/storage/v1/b/test-bucket/o/${encodeURIComponent('dir/with space.txt')}?alt=media`;
    const ranged = await fetch(url, { headers: { Range: 'bytes=2-4' } });
    expect(ranged.status).toBe(206);
    expect(await ranged.text()).toBe('234');

    const missing = await fetch(`${env.emulator.url}/download/storage/v1/b/test-bucket/o/missing?alt=media`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 404, errors: [{ reason: 'notFound' }] } });
  });

  it('answers 404 for a missing object', async () => {
    expect(await rejectionStatus(env.bucket.file('missing').download())).toBe(404);
  });
});
