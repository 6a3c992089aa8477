import { createHash, randomBytes } from 'node:crypto';
import { CRC32C } from '@google-cloud/storage';
import { startEmulatorWithClient, type EmulatorWithClient } from './test-support';

/**
 * `uploadType=media`: the whole body is the object, its `Content-Type` the object's type.
 * The Node client never sends it; gsutil, curl scripts and other clients do.
 */
describe('simple media uploads (uploadType=media)', () => {
  let env: EmulatorWithClient;

  beforeAll(async () => {
    env = await startEmulatorWithClient();
  });

  afterAll(async () => {
    await env.emulator.stop();
  });

  function mediaUpload(name: string, body: Buffer | string, query = '', headers: Record<string, string> = {}) {
    const url = `${env.emulator.url}/upload/storage/v1/b/test-bucket/o?uploadType=media&name=${encodeURIComponent(name)}`;
    return fetch(`${url}${query}`, { method: 'POST', headers: { 'Content-Type': 'text/csv', ...headers }, body });
  }

  it('stores the body as the object, typed by the request Content-Type, and answers the object resource', async () => {
    const data = randomBytes(300_000);
    const response = await mediaUpload('media/data.bin', data, '', { 'Content-Type': 'application/x-media-test' });

    expect(response.status).toBe(200);
    const crc = new CRC32C();
    crc.update(data);
    expect(await response.json()).toMatchObject({
      kind: 'storage#object',
      name: 'media/data.bin',
      size: String(data.length),
      contentType: 'application/x-media-test',
      crc32c: crc.toString(),
      md5Hash: createHash('md5').update(data).digest('base64'),
    });
    // The real client reads back what the other client wrote.
    expect((await env.bucket.file('media/data.bin').download())[0].equals(data)).toBe(true);
  });

  it('stores an empty body as an empty object', async () => {
    expect((await mediaUpload('media/empty', '')).status).toBe(200);
    expect((await env.bucket.file('media/empty').getMetadata())[0]).toMatchObject({ size: '0', contentType: 'text/csv' });
  });

  it('applies ifGenerationMatch=0 (create only)', async () => {
    expect((await mediaUpload('media/once.txt', 'first', '&ifGenerationMatch=0')).status).toBe(200);
    const second = await mediaUpload('media/once.txt', 'second', '&ifGenerationMatch=0');
    expect(second.status).toBe(412);
    expect(await second.json()).toMatchObject({ error: { code: 412, errors: [{ reason: 'conditionNotMet' }] } });
    expect((await env.bucket.file('media/once.txt').download())[0].toString()).toBe('first');
  });

  it('answers 400 without a name and 404 for a missing bucket', async () => {
    const noName = await fetch(`${env.emulator.url}/upload/storage/v1/b/test-bucket/o?uploadType=media`, {
      method: 'POST',
      body: 'x',
    });
    expect(noName.status).toBe(400);
    const noBucket = await fetch(`${env.emulator.url}/upload/storage/v1/b/no-such-bucket/o?uploadType=media&name=x`, {
      method: 'POST',
      body: 'x',
    });
    expect(noBucket.status).toBe(404);
  });
});
