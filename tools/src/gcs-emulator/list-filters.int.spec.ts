import type { GetFilesOptions } from '@google-cloud/storage';
import { startEmulatorWithClient, type EmulatorWithClient } from './test-support';

/**
 * The list filters the Node client passes straight through (`startOffset`, `endOffset`,
 * `matchGlob`, `includeTrailingDelimiter`), and a 400 for every list parameter the
 * emulator does not implement: a filter that is ignored gives a wrong listing silently.
 */
describe('getFiles filters through the real client', () => {
  let env: EmulatorWithClient;
  const names = [
    'logs/',
    'logs/2024/a.txt',
    'logs/2024/b.csv',
    'logs/2025/',
    'logs/2025/c.txt',
    'logs/top.txt',
    'other.txt',
  ];

  beforeAll(async () => {
    env = await startEmulatorWithClient();
    for (const name of names) await env.bucket.file(name).save(name, { resumable: false });
  });

  afterAll(async () => {
    await env.emulator.stop();
  });

  const listedNames = async (options: GetFilesOptions) =>
    (await env.bucket.getFiles(options))[0].map((file) => file.name);

  it('starts at startOffset (inclusive) and stops before endOffset (exclusive)', async () => {
    expect(await listedNames({ startOffset: 'logs/2024/b.csv' })).toEqual(names.slice(2));
    expect(await listedNames({ endOffset: 'logs/2025/c.txt' })).toEqual(names.slice(0, 4));
    expect(await listedNames({ startOffset: 'logs/2024/b', endOffset: 'logs/top.txt' })).toEqual(names.slice(2, 5));
    expect(await listedNames({ startOffset: 'logs/2025', prefix: 'logs/2' })).toEqual(['logs/2025/', 'logs/2025/c.txt']);
  });

  it('keeps the offsets across pages', async () => {
    const seen: string[] = [];
    let pageToken = '';
    do {
      const query = new URLSearchParams({ startOffset: 'logs/2024/b', endOffset: 'logs/top.txt', maxResults: '1' });
      if (pageToken) query.set('pageToken', pageToken);
      const page = (await (await fetch(`${env.emulator.url}/storage/v1/b/test-bucket/o?${query}`)).json()) as {
        items?: { name: string }[];
        nextPageToken?: string;
      };
      seen.push(...(page.items ?? []).map((item) => item.name));
      pageToken = page.nextPageToken ?? '';
    } while (pageToken);
    expect(seen).toEqual(names.slice(2, 5));
  });

  it('filters by matchGlob', async () => {
    expect(await listedNames({ matchGlob: '**.txt' })).toEqual([
      'logs/2024/a.txt',
      'logs/2025/c.txt',
      'logs/top.txt',
      'other.txt',
    ]);
    expect(await listedNames({ matchGlob: 'logs/*/*.{csv,txt}' })).toEqual([
      'logs/2024/a.txt',
      'logs/2024/b.csv',
      'logs/2025/c.txt',
    ]);
    expect(await listedNames({ matchGlob: 'logs/**/?.csv', prefix: 'logs/' })).toEqual(['logs/2024/b.csv']);
  });

  it('lists objects named like their common prefix only with includeTrailingDelimiter', async () => {
    const list = async (includeTrailingDelimiter: boolean) => {
      const [files, , response] = await env.bucket.getFiles({
        prefix: 'logs/',
        delimiter: '/',
        includeTrailingDelimiter,
        autoPaginate: false,
      });
      return { items: files.map((file) => file.name), prefixes: (response as { prefixes?: string[] }).prefixes };
    };
    expect(await list(false)).toEqual({ items: ['logs/', 'logs/top.txt'], prefixes: ['logs/2024/', 'logs/2025/'] });
    expect(await list(true)).toEqual({
      items: ['logs/', 'logs/2025/', 'logs/top.txt'],
      prefixes: ['logs/2024/', 'logs/2025/'],
    });
  });

  async function listStatus(query: string): Promise<{ status: number; message: string }> {
    const response = await fetch(`${env.emulator.url}/storage/v1/b/test-bucket/o?${query}`);
    const body = (await response.json()) as { error?: { message: string } };
    return { status: response.status, message: body.error?.message ?? '' };
  }

  it.each([
    ['versions=true', /versions/],
    ['softDeleted=true', /softDeleted/],
    ['includeFoldersAsPrefixes=true', /includeFoldersAsPrefixes/],
    ['fields=items(name)', /fields/],
    ['filter=contexts', /filter/],
    ['startAfter=x', /startAfter/],
    ['matchGlob=**&delimiter=/', /matchGlob.*delimiter/],
    ['matchGlob=%5Babc', /matchGlob/],
    ['includeTrailingDelimiter=maybe', /includeTrailingDelimiter/],
  ])('answers 400 naming the parameter for the unimplemented or invalid %s', async (query, named) => {
    const { status, message } = await listStatus(query);
    expect(status).toBe(400);
    expect(message).toMatch(named);
  });

  it('accepts parameters that do not change the listing', async () => {
    const { status } = await listStatus('versions=false&projection=noAcl&prettyPrint=false&alt=json&userProject=p');
    expect(status).toBe(200);
  });
});
