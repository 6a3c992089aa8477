import { compareObjectNames, listPage } from './list-pagination';

const NAMES = ['a/1', 'a/2', 'a/b/1', 'b', 'c/1', 'c/2', 'd'].sort(compareObjectNames);

function allPages(options: { delimiter?: string; maxResults: number }): {
  names: string[];
  prefixes: string[];
  pages: number;
} {
  const names: string[] = [];
  const prefixes: string[] = [];
  let pageToken: string | undefined;
  let pages = 0;
  do {
    const page = listPage(NAMES, { ...options, pageToken });
    names.push(...page.names);
    prefixes.push(...page.prefixes);
    pageToken = page.nextPageToken;
    pages += 1;
  } while (pageToken);
  return { names, prefixes, pages };
}

describe('listPage', () => {
  it('filters by prefix', () => {
    expect(listPage(NAMES, { prefix: 'a/' }).names).toEqual(['a/1', 'a/2', 'a/b/1']);
  });

  it('collapses names past the delimiter into common prefixes', () => {
    expect(listPage(NAMES, { delimiter: '/' })).toEqual({ names: ['b', 'd'], prefixes: ['a/', 'c/'] });
    expect(listPage(NAMES, { prefix: 'a/', delimiter: '/' })).toEqual({ names: ['a/1', 'a/2'], prefixes: ['a/b/'] });
  });

  it('pages through every entry exactly once, a common prefix counting as one entry', () => {
    expect(allPages({ maxResults: 2 })).toEqual({ names: NAMES, prefixes: [], pages: 4 });
    expect(allPages({ delimiter: '/', maxResults: 1 })).toEqual({
      names: ['b', 'd'],
      prefixes: ['a/', 'c/'],
      pages: 4,
    });
  });

  it('gives no nextPageToken when the page holds the last entry', () => {
    expect(listPage(NAMES, { maxResults: NAMES.length }).nextPageToken).toBeUndefined();
  });

  it('orders names by UTF-8 bytes, not UTF-16 code units', () => {
    // U+FF5E sorts before U+1F600 in UTF-8, after it in UTF-16.
    expect(['\u{1F600}', '\uFF5E'].sort(compareObjectNames)).toEqual(['\uFF5E', '\u{1F600}']);
  });

  it('rejects a malformed page token and a zero page size with 400', () => {
    expect(() => listPage(NAMES, { pageToken: 'not-a-token' })).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => listPage(NAMES, { maxResults: 0 })).toThrow(expect.objectContaining({ status: 400 }));
  });
});
