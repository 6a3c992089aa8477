import { badRequest } from './errors';

export interface ListOptions {
  prefix?: string;
  delimiter?: string;
  maxResults?: number;
  pageToken?: string;
  /** Only names at or after this one (inclusive). */
  startOffset?: string;
  /** Only names before this one (exclusive). */
  endOffset?: string;
  /** Only names this matches in full (see `globToRegExp`). */
  matchGlob?: RegExp;
  /** With a delimiter: an object whose name is one of the common prefixes is also listed as an item. */
  includeTrailingDelimiter?: boolean;
}

/** One page of `objects.list`: object names and common prefixes, both in name order. */
export interface ListPage {
  names: string[];
  prefixes: string[];
  nextPageToken?: string;
}

/** GCS never returns more than 1000 entries per page. */
const MAX_PAGE_SIZE = 1000;

/** GCS orders names by their UTF-8 bytes, which differs from JS (UTF-16) order above U+FFFF. */
export function compareObjectNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** The last entry of a page: the next page starts strictly after it. */
interface PageCursor {
  kind: 'name' | 'prefix';
  value: string;
}

function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

function decodeCursor(token: string): PageCursor {
  try {
    const cursor: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (
      typeof cursor === 'object' &&
      cursor !== null &&
      'kind' in cursor &&
      'value' in cursor &&
      (cursor.kind === 'name' || cursor.kind === 'prefix') &&
      typeof cursor.value === 'string'
    ) {
      return { kind: cursor.kind, value: cursor.value };
    }
  } catch {
    // fall through to the error below
  }
  throw badRequest(`Invalid pageToken: ${token}`);
}

/**
 * Pages through `sortedNames` (sorted by `compareObjectNames`). Names outside
 * [`startOffset`, `endOffset`) or not matching `matchGlob` are left out first. With a
 * delimiter, names that continue past the prefix with the delimiter collapse into one
 * common prefix entry; a prefix counts toward `maxResults` like an object does (an object
 * listed beside its own prefix by `includeTrailingDelimiter` shares that prefix's entry).
 */
export function listPage(sortedNames: readonly string[], options: ListOptions): ListPage {
  const prefix = options.prefix ?? '';
  const delimiter = options.delimiter ?? '';
  const pageSize = Math.min(options.maxResults ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
  if (!Number.isInteger(pageSize) || pageSize < 1) throw badRequest(`Invalid maxResults: ${options.maxResults}`);
  const after = options.pageToken ? decodeCursor(options.pageToken) : undefined;

  const page: ListPage = { names: [], prefixes: [] };
  let last: PageCursor | undefined;
  let entries = 0;
  for (const name of sortedNames) {
    if (options.endOffset !== undefined && compareObjectNames(name, options.endOffset) >= 0) break;
    if (!name.startsWith(prefix)) continue;
    if (options.startOffset !== undefined && compareObjectNames(name, options.startOffset) < 0) continue;
    if (options.matchGlob && !options.matchGlob.test(name)) continue;
    if (after && compareObjectNames(name, after.value) <= 0) continue;
    if (after?.kind === 'prefix' && name.startsWith(after.value)) continue;

    const delimiterAt = delimiter ? name.indexOf(delimiter, prefix.length) : -1;
    const entry: PageCursor =
      delimiterAt >= 0
        ? { kind: 'prefix', value: name.slice(0, delimiterAt + delimiter.length) }
        : { kind: 'name', value: name };
    if (entry.kind === 'prefix' && last?.kind === 'prefix' && last.value === entry.value) continue;

    if (last && entries === pageSize) {
      // A further entry exists, so the page is full and another one follows.
      page.nextPageToken = encodeCursor(last);
      break;
    }
    (entry.kind === 'name' ? page.names : page.prefixes).push(entry.value);
    // Such a name sorts first among those of its prefix, so it is the one that opens the entry.
    if (entry.kind === 'prefix' && options.includeTrailingDelimiter && entry.value === name) page.names.push(name);
    entries += 1;
    last = entry;
  }
  return page;
}
