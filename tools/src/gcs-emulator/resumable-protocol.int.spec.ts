import { startGcsEmulator, type GcsEmulator } from './start-gcs-emulator';

/** The resumable protocol at the HTTP level, as the client speaks it, without the client. */
describe('resumable upload protocol', () => {
  let emulator: GcsEmulator;

  beforeAll(async () => {
    emulator = await startGcsEmulator({ buckets: ['bkt'] });
  });

  afterAll(async () => {
    await emulator.stop();
  });

  async function initiate(name: string, query = ''): Promise<Response> {
    const url = `${emulator.url}/upload/storage/v1/b/bkt/o?uploadType=resumable&name=${encodeURIComponent(name)}`;
    return fetch(`${url}${query}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Upload-Content-Type': 'text/plain' },
      body: JSON.stringify({ metadata: { origin: 'protocol-test' } }),
    });
  }

  async function sessionUrl(name: string): Promise<string> {
    const response = await initiate(name);
    expect(response.status).toBe(200);
    return response.headers.get('location') ?? '';
  }

  // `redirect: 'manual'` keeps fetch from treating 308 as a redirect to follow.
  function put(url: string, contentRange: string, body = ''): Promise<Response> {
    return fetch(url, { method: 'PUT', headers: { 'Content-Range': contentRange }, body, redirect: 'manual' });
  }

  it('answers the initiating POST with an absolute session URL', async () => {
    const location = await sessionUrl('absolute');
    expect(location.startsWith(`${emulator.url}/upload/storage/v1/b/bkt/o?`)).toBe(true);
    expect(new URL(location).searchParams.get('upload_id')).toBeTruthy();
  });

  it('answers chunks and status queries with 308 and the stored range, and completes with 200 JSON', async () => {
    const url = await sessionUrl('chunked.txt');

    const empty = await put(url, 'bytes */*');
    expect(empty.status).toBe(308);
    expect(empty.headers.get('range')).toBeNull();

    const first = await put(url, 'bytes 0-9/*', '0123456789');
    expect(first.status).toBe(308);
    expect(first.headers.get('range')).toBe('bytes=0-9');

    const status = await put(url, 'bytes */*');
    expect(status.status).toBe(308);
    expect(status.headers.get('range')).toBe('bytes=0-9');

    const last = await put(url, 'bytes 10-14/15', 'abcde');
    expect(last.status).toBe(200);
    expect(last.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await last.json()).toMatchObject({
      name: 'chunked.txt',
      size: '15',
      contentType: 'text/plain',
      metadata: { origin: 'protocol-test' },
    });

    // A completed session keeps answering with the object.
    expect((await put(url, 'bytes */15')).status).toBe(200);
  });

  it('completes an upload on a status query that announces the stored total (bytes */N)', async () => {
    const url = await sessionUrl('announced.txt');
    expect((await put(url, 'bytes 0-4/*', 'hello')).status).toBe(308);
    const done = await put(url, 'bytes */5');
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({ size: '5' });
  });

  it('drops the overlap of a resent chunk', async () => {
    const url = await sessionUrl('overlap.txt');
    await put(url, 'bytes 0-5/*', 'abcdef');
    const done = await put(url, 'bytes 3-8/9', 'defghi');
    expect(done.status).toBe(200);
    const media = await fetch(`${emulator.url}/storage/v1/b/bkt/o/overlap.txt?alt=media`);
    expect(await media.text()).toBe('abcdefghi');
  });

  it('refuses a chunk whose body does not match its Content-Range with 400, keeping what was stored', async () => {
    const url = await sessionUrl('mismatch.txt');
    await put(url, 'bytes 0-3/*', 'abcd');
    expect((await put(url, 'bytes 4-9/*', 'ef')).status).toBe(400);
    expect((await put(url, 'bytes */*')).headers.get('range')).toBe('bytes=0-3');
  });

  it('checks create-only preconditions at initiation and at completion', async () => {
    const first = await sessionUrl('create-only.txt');
    const second = await initiate('create-only.txt', '&ifGenerationMatch=0');
    expect(second.status).toBe(200);
    expect((await put(first, 'bytes 0-*/*', 'first')).status).toBe(200);

    // The object now exists: the session opened before it fails at completion...
    const late = await put(second.headers.get('location') ?? '', 'bytes 0-*/*', 'second');
    expect(late.status).toBe(412);
    expect(await late.json()).toMatchObject({ error: { code: 412, errors: [{ reason: 'conditionNotMet' }] } });
    // ...and a new one fails at once.
    expect((await initiate('create-only.txt', '&ifGenerationMatch=0')).status).toBe(412);
  });

  it('answers 404 for an unknown session', async () => {
    const unknownSession = `${emulator.url}/upload/storage/v1/b/bkt/o?uploadType=resumable&upload_id=nope`;
    const response = await put(unknownSession, 'bytes */*');
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 404, errors: [{ reason: 'notFound' }] } });
  });
});
