import { startEmulatorWithClient, type EmulatorWithClient } from './test-support';

/**
 * `objects.update` (`PUT /storage/v1/b/{b}/o/{o}`) replaces the writable metadata, where
 * PATCH merges it. The Node client only patches; other clients (and GET-modify-PUT
 * scripts) update.
 */
describe('objects.update', () => {
  let env: EmulatorWithClient;

  beforeAll(async () => {
    env = await startEmulatorWithClient();
  });

  afterAll(async () => {
    await env.emulator.stop();
  });

  const objectUrl = (name: string, query = '') =>
    `${env.emulator.url}/storage/v1/b/test-bucket/o/${encodeURIComponent(name)}${query}`;

  const update = (name: string, body: unknown, query = '') =>
    fetch(objectUrl(name, query), {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('replaces the writable metadata, keeps the data and generation, and bumps the metageneration', async () => {
    const file = env.bucket.file('dir/updated.txt');
    await file.save('payload', {
      contentType: 'text/plain',
      metadata: { cacheControl: 'no-store', metadata: { old: '1', kept: '2' } },
    });
    const [before] = await file.getMetadata();

    const response = await update('dir/updated.txt', {
      contentType: 'application/json',
      contentLanguage: 'en',
      metadata: { kept: '2', added: '3' },
    });
    expect(response.status).toBe(200);
    const answered = (await response.json()) as Record<string, unknown>;

    const [after] = await file.getMetadata();
    expect(answered).toEqual(after);
    expect(after).toMatchObject({
      contentType: 'application/json',
      contentLanguage: 'en',
      metadata: { kept: '2', added: '3' },
      generation: before.generation,
      metageneration: '2',
      md5Hash: before.md5Hash,
      size: '7',
    });
    // Update, unlike patch, clears what the body leaves out.
    expect(after.cacheControl).toBeUndefined();
    expect((await file.download())[0].toString()).toBe('payload');
  });

  it('takes back a resource it answered (GET, change, PUT)', async () => {
    const file = env.bucket.file('round-trip.txt');
    await file.save('x');
    const resource = (await (await fetch(objectUrl('round-trip.txt'))).json()) as Record<string, unknown>;
    const response = await update('round-trip.txt', { ...resource, cacheControl: 'public, max-age=60' });
    expect(response.status).toBe(200);
    expect((await file.getMetadata())[0]).toMatchObject({ cacheControl: 'public, max-age=60', metageneration: '2' });
  });

  it('applies preconditions, answers 404 for a missing object, and 400 for fields it does not implement', async () => {
    await env.bucket.file('guarded.txt').save('x');
    expect((await update('guarded.txt', {}, '?ifMetagenerationMatch=7')).status).toBe(412);
    expect((await update('missing.txt', {})).status).toBe(404);

    const unsupported = await update('guarded.txt', { temporaryHold: true, contentType: 'text/plain' });
    expect(unsupported.status).toBe(400);
    expect(((await unsupported.json()) as { error: { message: string } }).error.message).toMatch(/temporaryHold/);
    expect((await env.bucket.file('guarded.txt').getMetadata())[0].metageneration).toBe('1');
  });
});
