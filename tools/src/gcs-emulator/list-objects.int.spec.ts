import { startEmulatorWithClient, type EmulatorWithClient } from './test-support';

describe('getFiles through the real client', () => {
  let env: EmulatorWithClient;
  const names = ['logs/2024/a.txt', 'logs/2024/b.txt', 'logs/2025/c.txt', 'logs/top.txt', 'other.txt', 'zeta/z.txt'];

  beforeAll(async () => {
    env = await startEmulatorWithClient();
    // Saved out of order: the listing must sort.
    for (const name of [...names].reverse()) await env.bucket.file(name).save(name, { resumable: false });
  });

  afterAll(async () => {
    await env.emulator.stop();
  });

  it('lists every object in lexicographic order', async () => {
    const [files] = await env.bucket.getFiles();
    expect(files.map((file) => file.name)).toEqual(names);
    expect(files[0]?.metadata.size).toBe(String(names[0]?.length));
  });

  it('filters by prefix', async () => {
    const [files] = await env.bucket.getFiles({ prefix: 'logs/2024/' });
    expect(files.map((file) => file.name)).toEqual(['logs/2024/a.txt', 'logs/2024/b.txt']);
  });

  it('returns common prefixes with a delimiter', async () => {
    const [files, , response] = await env.bucket.getFiles({ prefix: 'logs/', delimiter: '/', autoPaginate: false });
    expect(files.map((file) => file.name)).toEqual(['logs/top.txt']);
    expect((response as { prefixes?: string[] }).prefixes).toEqual(['logs/2024/', 'logs/2025/']);
  });

  /** Follows pages by hand, as a caller with `autoPaginate: false` does. */
  async function pageThrough(options: {
    delimiter?: string;
    maxResults: number;
  }): Promise<{ entries: string[]; pages: number }> {
    const entries: string[] = [];
    let query: { pageToken?: string } | null = {};
    let pages = 0;
    while (query) {
      const [files, nextQuery, response] = await env.bucket.getFiles({ ...options, ...query, autoPaginate: false });
      entries.push(...files.map((file) => file.name), ...((response as { prefixes?: string[] }).prefixes ?? []));
      query = nextQuery as { pageToken?: string } | null;
      pages += 1;
    }
    return { entries, pages };
  }

  it('pages with maxResults and pageToken when autoPaginate is off', async () => {
    expect(await pageThrough({ maxResults: 4 })).toEqual({ entries: names, pages: 2 });
  });

  it('counts a common prefix as one entry when paging with a delimiter', async () => {
    expect(await pageThrough({ delimiter: '/', maxResults: 1 })).toEqual({
      entries: ['logs/', 'other.txt', 'zeta/'],
      pages: 3,
    });
  });
});
