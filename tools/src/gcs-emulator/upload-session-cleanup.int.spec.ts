import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { eventually } from '../test-support';
import { startGcsEmulator, type GcsEmulator } from './start-gcs-emulator';

/**
 * Resumable sessions that will never complete must not keep their staged bytes: a
 * cancelled session (`DELETE` on its URL, answered 499 as on GCS) at once, an abandoned
 * one once it has been idle for the session TTL (a week on GCS; short here).
 */
describe('cancelled and abandoned resumable uploads', () => {
  let emulator: GcsEmulator;
  const TTL_MS = 300;

  beforeAll(async () => {
    emulator = await startGcsEmulator({ buckets: ['bkt'], uploadSessionTtlMs: TTL_MS });
  });

  afterAll(async () => {
    await emulator.stop();
  });

  const stagingFiles = () => readdir(join(emulator.dataDir, 'staging'));

  async function sessionWithStagedBytes(name: string): Promise<string> {
    const initiated = await fetch(`${emulator.url}/upload/storage/v1/b/bkt/o?uploadType=resumable&name=${name}`, {
      method: 'POST',
    });
    const url = initiated.headers.get('location') ?? '';
    const chunk = await put(url, 'bytes 0-262143/*', Buffer.alloc(256 * 1024, 1));
    expect(chunk.status).toBe(308);
    return url;
  }

  function put(url: string, contentRange: string, body?: Buffer): Promise<Response> {
    return fetch(url, { method: 'PUT', headers: { 'Content-Range': contentRange }, body, redirect: 'manual' });
  }

  it('answers 499 to DELETE on the session URL, removes the staged bytes, then answers 404 for the session', async () => {
    const url = await sessionWithStagedBytes('cancelled.bin');
    expect(await stagingFiles()).toHaveLength(1);

    const cancelled = await fetch(url, { method: 'DELETE' });
    expect(cancelled.status).toBe(499);
    expect(await stagingFiles()).toEqual([]);
    expect((await put(url, 'bytes */*')).status).toBe(404);
    expect((await fetch(url, { method: 'DELETE' })).status).toBe(404);
    expect((await fetch(`${emulator.url}/storage/v1/b/bkt/o/cancelled.bin`)).status).toBe(404);
  });

  it('removes the staged bytes of a session idle for longer than the TTL, and the session with them', async () => {
    const url = await sessionWithStagedBytes('abandoned.bin');
    expect(await stagingFiles()).toHaveLength(1);

    await eventually(async () => (await stagingFiles()).length === 0, 10_000, 'the staged bytes to be removed');
    expect((await put(url, 'bytes */*')).status).toBe(404);
  });
});
