import { randomBytes } from 'node:crypto';
import { startEmulatorWithClient, writeThroughStream, type EmulatorWithClient } from './test-support';

describe('an upload whose stored hash is corrupted', () => {
  let env: EmulatorWithClient;

  beforeAll(async () => {
    env = await startEmulatorWithClient();
  });

  afterAll(async () => {
    await env.emulator.stop();
  });

  afterEach(() => {
    env.emulator.faults.reset();
  });

  it.each([
    ['resumable', {}],
    ['multipart', { resumable: false }],
    ['multi-chunk', { chunkSize: 256 * 1024 }],
  ])('fails the %s upload with the client integrity error and leaves no object behind', async (kind, options) => {
    env.emulator.faults.corruptNextUploadHashes();
    const file = env.bucket.file(`corrupted-${kind}`);

    await expect(writeThroughStream(file, randomBytes(600 * 1024), options)).rejects.toMatchObject({
      code: 'FILE_NO_UPLOAD',
    });

    // The client deletes the object it could not verify.
    expect(await file.exists()).toEqual([false]);
    expect(env.emulator.faults.pending().hashCorruptions).toBe(0);
  });

  it('uploads normally again once the corruption is used up', async () => {
    env.emulator.faults.corruptNextUploadHashes(1);
    await expect(env.bucket.file('first').save('x')).rejects.toMatchObject({ code: 'FILE_NO_UPLOAD' });
    await env.bucket.file('second').save('x');
    expect(await env.bucket.file('second').exists()).toEqual([true]);
  });

  it('makes a later download fail the client check when the upload skipped validation', async () => {
    env.emulator.faults.corruptNextUploadHashes();
    const file = env.bucket.file('kept-corrupted');
    await file.save(randomBytes(1000), { validation: false });

    await expect(file.download()).rejects.toMatchObject({ code: 'CONTENT_DOWNLOAD_MISMATCH' });
  });
});
