import { GCS_EMULATOR_FAULTS_PATH, type GcsFaultRequest } from './index';
import { startGcsEmulator, type GcsEmulator } from './start-gcs-emulator';

/** The HTTP form of fault injection, for tests that run the emulator in another process. */
describe('fault control endpoint', () => {
  let emulator: GcsEmulator;
  const bucketUrl = (): string => `${emulator.url}/storage/v1/b/bkt`;

  beforeAll(async () => {
    emulator = await startGcsEmulator({ buckets: ['bkt'] });
  });

  afterAll(async () => {
    await emulator.stop();
  });

  afterEach(async () => {
    expect((await fetch(`${emulator.url}${GCS_EMULATOR_FAULTS_PATH}`, { method: 'DELETE' })).status).toBe(200);
  });

  async function inject(fault: GcsFaultRequest): Promise<Response> {
    return fetch(`${emulator.url}${GCS_EMULATOR_FAULTS_PATH}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(fault),
    });
  }

  it('fails the next matching requests with the injected status and a JSON API error', async () => {
    expect((await inject({ type: 'fail', status: 503, count: 2, kind: 'buckets.get' })).status).toBe(200);

    const listing = await fetch(`${emulator.url}/storage/v1/b/bkt/o`);
    expect(listing.status).toBe(200); // another kind: not affected
    for (let i = 0; i < 2; i += 1) {
      const failed = await fetch(bucketUrl());
      expect(failed.status).toBe(503);
      expect(await failed.json()).toMatchObject({ error: { code: 503, errors: [{ reason: 'backendError' }] } });
    }
    expect((await fetch(bucketUrl())).status).toBe(200);
  });

  it('reports pending faults and forgets them on DELETE', async () => {
    await inject({ type: 'fail', status: 429, method: 'GET' });
    await inject({ type: 'corruptHash', count: 2 });
    await inject({ type: 'cutConnection', afterBytes: 10 });
    await inject({ type: 'delay', ms: 5 });

    const pending = await (await fetch(`${emulator.url}${GCS_EMULATOR_FAULTS_PATH}`)).json();
    expect(pending).toEqual({
      failures: [{ status: 429, remaining: 1, method: 'GET' }],
      hashCorruptions: 2,
      connectionCuts: [{ remaining: 1, afterBytes: 10 }],
      responseDelayMs: 5,
    });
    await fetch(`${emulator.url}${GCS_EMULATOR_FAULTS_PATH}`, { method: 'DELETE' });
    expect(emulator.faults.pending()).toEqual({
      failures: [],
      hashCorruptions: 0,
      connectionCuts: [],
      responseDelayMs: 0,
    });
  });

  it('delays every answer', async () => {
    await inject({ type: 'delay', ms: 300 });
    const started = Date.now();
    expect((await fetch(bucketUrl())).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('cuts the connection of the next upload', async () => {
    await inject({ type: 'cutConnection', afterBytes: 1000 });
    const init = await fetch(`${emulator.url}/upload/storage/v1/b/bkt/o?uploadType=resumable&name=cut`, {
      method: 'POST',
    });
    const session = init.headers.get('location') ?? '';

    await expect(
      fetch(session, { method: 'PUT', headers: { 'Content-Range': 'bytes 0-*/*' }, body: Buffer.alloc(100_000) }),
    ).rejects.toThrow();

    const status = await fetch(session, {
      method: 'PUT',
      headers: { 'Content-Range': 'bytes */*' },
      redirect: 'manual',
    });
    expect(status.status).toBe(308);
    expect(status.headers.get('range')).toBeNull(); // nothing of the cut request was kept
  });

  it('rejects an unknown fault with 400', async () => {
    const response = await inject({ type: 'explode' } as unknown as GcsFaultRequest);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 400 } });
  });
});
