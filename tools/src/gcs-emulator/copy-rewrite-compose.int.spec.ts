import { startEmulatorWithClient, type EmulatorWithClient } from './test-support';

/**
 * Copy, rewrite and compose are not emulated. They answer 501 with a JSON error saying so
 * (501 is not one of the statuses the client retries), not a 404 that reads like a
 * missing object.
 */
describe('copy, rewrite and compose', () => {
  let env: EmulatorWithClient;

  beforeAll(async () => {
    env = await startEmulatorWithClient();
    await env.bucket.file('source.txt').save('source');
  });

  afterAll(async () => {
    await env.emulator.stop();
  });

  it.each([
    ['copyTo', 'POST', '/storage/v1/b/test-bucket/o/source.txt/copyTo/b/test-bucket/o/copy.txt'],
    ['rewriteTo', 'POST', '/storage/v1/b/test-bucket/o/source.txt/rewriteTo/b/test-bucket/o/copy.txt'],
    ['compose', 'POST', '/storage/v1/b/test-bucket/o/composed.txt/compose'],
  ])('answer %s with 501 and a JSON error that says it is not implemented', async (operation, method, path) => {
    const response = await fetch(`${env.emulator.url}${path}`, { method, body: '{}' });
    expect(response.status).toBe(501);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as { error: { code: number; message: string; errors: { reason: string }[] } };
    expect(body.error.code).toBe(501);
    expect(body.error.errors[0]?.reason).toBe('notImplemented');
    expect(body.error.message).toContain(operation);
    expect(body.error.message).toMatch(/not implemented/);
  });

  it('fails the real client’s copy and combine with 501, without retrying, and creates nothing', async () => {
    await expect(env.bucket.file('source.txt').copy('copied.txt')).rejects.toMatchObject({ code: 501 });
    await expect(env.bucket.combine(['source.txt'], 'combined.txt')).rejects.toMatchObject({ code: 501 });
    expect(await env.bucket.file('copied.txt').exists()).toEqual([false]);
    expect(await env.bucket.file('combined.txt').exists()).toEqual([false]);
  });
});
