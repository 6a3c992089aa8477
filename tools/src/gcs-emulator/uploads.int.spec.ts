import { createHash, randomBytes } from 'node:crypto';
import { CRC32C } from '@google-cloud/storage';
import { startEmulatorWithClient, writeThroughStream, type EmulatorWithClient } from './test-support';

function expectedHashes(data: Buffer): { crc32c: string; md5Hash: string } {
  const crc = new CRC32C();
  crc.update(data);
  return { crc32c: crc.toString(), md5Hash: createHash('md5').update(data).digest('base64') };
}

describe('uploads through the real client', () => {
  let env: EmulatorWithClient;

  beforeAll(async () => {
    env = await startEmulatorWithClient();
  });

  afterAll(async () => {
    await env.emulator.stop();
  });

  it('stores a multipart upload (resumable: false) with its metadata and correct hashes', async () => {
    const data = randomBytes(100_000);
    const file = env.bucket.file('multipart.bin');
    await file.save(data, { resumable: false, contentType: 'application/x-test', metadata: { metadata: { a: '1' } } });

    const [metadata] = await file.getMetadata();
    expect(metadata).toMatchObject({
      size: '100000',
      contentType: 'application/x-test',
      metadata: { a: '1' },
      ...expectedHashes(data),
    });
    expect((await file.download())[0].equals(data)).toBe(true);
  });

  it('stores a default (resumable) upload', async () => {
    const file = env.bucket.file('resumable.txt');
    await file.save('resumable content', { metadata: { metadata: { b: '2' } } });
    const [metadata] = await file.getMetadata();
    expect(metadata).toMatchObject({
      size: '17',
      metadata: { b: '2' },
      ...expectedHashes(Buffer.from('resumable content')),
    });
    expect((await file.download())[0].toString()).toBe('resumable content');
  });

  it('reads back a 20 MB resumable upload byte for byte', async () => {
    const data = randomBytes(20 * 1024 * 1024);
    const file = env.bucket.file('big/20mb.bin');
    await file.save(data);
    const [back] = await file.download();
    expect(back.length).toBe(data.length);
    expect(back.equals(data)).toBe(true);
  });

  it('reads back a multi-chunk upload (chunkSize 256 KiB, 308 between chunks)', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 1234);
    const file = env.bucket.file('chunked.bin');
    await writeThroughStream(file, data, { chunkSize: 256 * 1024 });
    const [metadata] = await file.getMetadata();
    expect(metadata).toMatchObject({ size: String(data.length), ...expectedHashes(data) });
    expect((await file.download())[0].equals(data)).toBe(true);
  });

  it.each([
    ['multipart', { resumable: false }],
    ['resumable', {}],
    ['multi-chunk', { chunkSize: 256 * 1024 }],
  ])('stores an empty object (%s)', async (kind, options) => {
    const file = env.bucket.file(`empty-${kind}`);
    await writeThroughStream(file, Buffer.alloc(0), options);
    expect((await file.getMetadata())[0].size).toBe('0');
    expect((await file.download())[0]).toHaveLength(0);
  });

  it('replaces an existing object with a new generation', async () => {
    const file = env.bucket.file('replaced.txt');
    await file.save('first');
    const [first] = await file.getMetadata();
    await file.save('second', { resumable: false });
    const [second] = await file.getMetadata();
    expect(BigInt(second.generation ?? 0)).toBeGreaterThan(BigInt(first.generation ?? 0));
    expect((await file.download())[0].toString()).toBe('second');
  });

  it('answers 404 for an upload into a missing bucket', async () => {
    const file = env.storage.bucket('no-such-bucket').file('x');
    await expect(file.save('x', { resumable: false })).rejects.toMatchObject({ code: 404 });
  });
});
