import { createHash, randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CRC32C } from '@google-cloud/storage';
import { rejectionStatus, startEmulatorWithClient, type EmulatorWithClient } from './test-support';

function hashesOf(data: Buffer): { crc32c: string; md5Hash: string } {
  const crc = new CRC32C();
  crc.update(data);
  return { crc32c: crc.toString(), md5Hash: createHash('md5').update(data).digest('base64') };
}

/** Valid-looking checksums of other bytes. */
const WRONG = hashesOf(Buffer.from('other bytes'));

/**
 * A client may send the checksums it computed (`crc32c`/`md5Hash` in the metadata, or an
 * `X-Goog-Hash` header); GCS refuses an upload whose bytes do not match them with 400 and
 * stores nothing. The Node client sends them when the caller puts them in the metadata.
 */
describe('uploads carrying the client’s checksums', () => {
  let env: EmulatorWithClient;
  const data = randomBytes(200_000);

  beforeAll(async () => {
    env = await startEmulatorWithClient();
  });

  afterAll(async () => {
    await env.emulator.stop();
  });

  const stagingFiles = () => readdir(join(env.emulator.dataDir, 'staging'));

  async function expectNothingStored(name: string): Promise<void> {
    expect(await env.bucket.file(name).exists()).toEqual([false]);
    expect(await stagingFiles()).toEqual([]);
  }

  it.each([
    ['multipart, md5Hash', { resumable: false, metadata: { md5Hash: WRONG.md5Hash } }],
    ['multipart, crc32c', { resumable: false, metadata: { crc32c: WRONG.crc32c } }],
    ['resumable, md5Hash', { metadata: { md5Hash: WRONG.md5Hash } }],
    ['resumable, crc32c', { metadata: { crc32c: WRONG.crc32c } }],
  ])('refuses a real-client %s that does not match the data with 400 and stores nothing', async (kind, options) => {
    const name = `mismatch-${kind.replace(/\W+/g, '-')}`;
    expect(await rejectionStatus(env.bucket.file(name).save(data, options))).toBe(400);
    await expectNothingStored(name);
  });

  it('accepts checksums that match', async () => {
    const file = env.bucket.file('matching');
    await file.save(data, { resumable: false, metadata: hashesOf(data) });
    await file.save(data, { metadata: hashesOf(data) });
    expect((await file.getMetadata())[0]).toMatchObject(hashesOf(data));
  });

  function upload(uploadType: string, name: string, init: RequestInit): Promise<Response> {
    return fetch(
      `${env.emulator.url}/upload/storage/v1/b/test-bucket/o?uploadType=${uploadType}&name=${encodeURIComponent(name)}`,
      { method: 'POST', ...init },
    );
  }

  it('refuses a media upload whose X-Goog-Hash does not match, naming the checksum', async () => {
    const right = hashesOf(data);
    const response = await upload('media', 'media-mismatch', {
      headers: { 'X-Goog-Hash': `crc32c=${WRONG.crc32c},md5=${right.md5Hash}` },
      body: data,
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(/CRC32C/);
    await expectNothingStored('media-mismatch');

    const matching = await upload('media', 'media-match', {
      headers: { 'X-Goog-Hash': `crc32c=${right.crc32c},md5=${right.md5Hash}` },
      body: data,
    });
    expect(matching.status).toBe(200);
  });

  it('refuses a multipart upload whose X-Goog-Hash header does not match', async () => {
    const boundary = 'hash-test-boundary';
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Type: application/json\r\n\r\n{"name":"multipart-header"}\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Type: application/octet-stream\r\n\r\n`),
      data,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const response = await upload('multipart', 'multipart-header', {
      headers: { 'Content-Type': `multipart/related; boundary=${boundary}`, 'X-Goog-Hash': `md5=${WRONG.md5Hash}` },
      body,
    });
    expect(response.status).toBe(400);
    await expectNothingStored('multipart-header');
  });

  it('refuses a resumable upload whose final PUT carries a wrong X-Goog-Hash, and drops the session', async () => {
    const initiated = await upload('resumable', 'resumable-header', {
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    const session = initiated.headers.get('location') ?? '';
    const put = (headers: Record<string, string>, body?: Buffer) =>
      fetch(session, { method: 'PUT', headers, body, redirect: 'manual' });

    expect((await put({ 'Content-Range': 'bytes 0-99999/*' }, data.subarray(0, 100_000))).status).toBe(308);
    const last = await put(
      { 'Content-Range': `bytes 100000-${data.length - 1}/${data.length}`, 'X-Goog-Hash': `crc32c=${WRONG.crc32c}` },
      data.subarray(100_000),
    );
    expect(last.status).toBe(400);
    await expectNothingStored('resumable-header');
    expect((await put({ 'Content-Range': 'bytes */*' })).status).toBe(404);
  });

  it('answers 400 for a checksum that is not base64 of the right length', async () => {
    const response = await upload('media', 'bad-hash', { headers: { 'X-Goog-Hash': 'crc32c=abc' }, body: 'x' });
    expect(response.status).toBe(400);
    expect(await rejectionStatus(env.bucket.file('bad-meta').save('x', { metadata: { md5Hash: 'nope' } }))).toBe(400);
  });
});
