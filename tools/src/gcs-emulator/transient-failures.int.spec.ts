import { randomBytes } from 'node:crypto';
import { Storage } from '@google-cloud/storage';
import { FAST_RETRIES, rejectionStatus, startEmulatorWithClient, type EmulatorWithClient } from './test-support';

/**
 * 408, 429 and 5xx answers are retried by the client with backoff. Uploads are retried only
 * when idempotent: with a generation precondition (or `IdempotencyStrategy.RetryAlways`).
 */
describe('injected transient failures', () => {
  let env: EmulatorWithClient;
  /** JSON calls retry through retry-request, which (unlike `file.save()`) accepts sub-second delays. */
  let quickJsonClient: Storage;
  const createOnly = { preconditionOpts: { ifGenerationMatch: 0 } };

  beforeAll(async () => {
    env = await startEmulatorWithClient();
    quickJsonClient = new Storage({
      ...env.emulator.storageOptions(),
      retryOptions: { ...FAST_RETRIES, maxRetryDelay: 0.05 },
    });
    await env.bucket.file('existing.txt').save('existing');
  });

  afterAll(async () => {
    await env.emulator.stop();
  });

  afterEach(() => {
    env.emulator.faults.reset();
  });

  it.each([503, 429, 408] as const)('retries 2 × %i on a metadata read and succeeds', async (status) => {
    env.emulator.faults.failNextRequests({ status, count: 2, kind: 'objects.get' });
    const file = quickJsonClient.bucket('test-bucket').file('existing.txt');
    expect((await file.getMetadata())[0].name).toBe('existing.txt');
    expect(env.emulator.faults.pending().failures).toEqual([]);
  });

  it('retries 2 × 503 on a create-only resumable upload and succeeds', async () => {
    env.emulator.faults.failNextRequests({ status: 503, count: 2 });
    const data = randomBytes(300_000);
    await env.bucket.file('retried-resumable.bin').save(data, createOnly);
    expect((await env.bucket.file('retried-resumable.bin').download())[0].equals(data)).toBe(true);
    expect(env.emulator.faults.pending().failures).toEqual([]);
  });

  it('retries 429 on a create-only multipart upload and succeeds', async () => {
    env.emulator.faults.failNextRequests({ status: 429, kind: 'objects.insert.multipart' });
    await env.bucket.file('retried-multipart').save('data', { ...createOnly, resumable: false });
    expect((await env.bucket.file('retried-multipart').download())[0].toString()).toBe('data');
  });

  it('resumes a resumable upload whose data PUT stored the bytes but answered 503', async () => {
    env.emulator.faults.failNextRequests({ status: 503, kind: 'uploads.put', method: 'PUT' });
    const data = randomBytes(2 * 1024 * 1024);
    await env.bucket.file('resumed-after-503.bin').save(data, createOnly);
    expect((await env.bucket.file('resumed-after-503.bin').download())[0].equals(data)).toBe(true);
  });

  it('is not retried for an upload without a precondition, as the client considers it non-idempotent', async () => {
    env.emulator.faults.failNextRequests({ status: 503, kind: 'objects.insert.multipart' });
    expect(await rejectionStatus(env.bucket.file('not-retried').save('x', { resumable: false }))).toBe(503);
  });
});
