import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { IdempotencyStrategy } from '@google-cloud/storage';
import { FAST_RETRIES, startEmulatorWithClient, writeThroughStream, type EmulatorWithClient } from './test-support';

describe('uploads whose connection is cut part way', () => {
  let env: EmulatorWithClient;

  beforeAll(async () => {
    // Retried without preconditions too, so each case shows the emulator side alone.
    env = await startEmulatorWithClient({ ...FAST_RETRIES, idempotencyStrategy: IdempotencyStrategy.RetryAlways });
  });

  afterAll(async () => {
    await env.emulator.stop();
  });

  afterEach(() => {
    env.emulator.faults.reset();
  });

  it('resumes a multi-chunk upload from the last stored chunk', async () => {
    const data = randomBytes(1024 * 1024 + 99);
    const file = env.bucket.file('cut-chunked.bin');
    env.emulator.faults.cutNextUploads({ afterBytes: 100_000 });

    await writeThroughStream(file, data, { chunkSize: 256 * 1024 });

    expect(env.emulator.faults.pending().connectionCuts).toEqual([]);
    expect((await file.download())[0].equals(data)).toBe(true);
  });

  it('retries a multipart upload from the start and stores it once', async () => {
    const data = randomBytes(200_000);
    const file = env.bucket.file('cut-multipart.bin');
    env.emulator.faults.cutNextUploads({ afterBytes: 50_000 });

    await file.save(data, { resumable: false });

    expect(env.emulator.faults.pending().connectionCuts).toEqual([]);
    expect((await file.download())[0].equals(data)).toBe(true);
  });

  it('restarts a single-request resumable upload written as one buffer', async () => {
    const data = randomBytes(1024 * 1024);
    const file = env.bucket.file('cut-single-buffer.bin');
    env.emulator.faults.cutNextUploads({ afterBytes: 100_000 });

    await file.save(data);

    expect((await file.download())[0].equals(data)).toBe(true);
  });

  it('fails a single-request resumable upload streamed in pieces (the client cannot resend them)', async () => {
    const pieces = Array.from({ length: 16 }, () => randomBytes(64 * 1024));
    const file = env.bucket.file('cut-streamed.bin');
    env.emulator.faults.cutNextUploads({ afterBytes: 300_000 });

    await expect(pipeline(Readable.from(pieces), file.createWriteStream())).rejects.toThrow(
      /offset is lower than the number of bytes written/,
    );

    expect(await file.exists()).toEqual([false]);
  });
});
