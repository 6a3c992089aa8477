import { badRequest } from './errors';
import type { ListOptions } from './list-pagination';
import { globToRegExp } from './match-glob';

/** Query parameters that change nothing in the emulator's answer, with the values allowed. */
const NEUTRAL_PARAMS: Record<string, (value: string) => boolean> = {
  alt: (value) => value === 'json',
  prettyPrint: isBoolean,
  // The emulator keeps no ACLs, so both projections give the same resources.
  projection: (value) => value === 'full' || value === 'noAcl',
  userProject: () => true,
  quotaUser: () => true,
  // Listing only live objects, no soft-deleted ones and no folders is what `false` asks for.
  versions: (value) => value === 'false',
  softDeleted: (value) => value === 'false',
  includeFoldersAsPrefixes: (value) => value === 'false',
};

const LISTING_PARAMS = new Set([
  'prefix',
  'delimiter',
  'maxResults',
  'pageToken',
  'startOffset',
  'endOffset',
  'matchGlob',
  'includeTrailingDelimiter',
]);

function isBoolean(value: string): boolean {
  return value === 'true' || value === 'false';
}

/**
 * Refuses with 400 every parameter of a list call that is neither in `honoured` nor neutral:
 * one silently ignored (`versions=true`, `fields`, a misspelt `startAfter`) would give a
 * listing that looks right and is not.
 */
export function assertListParams(query: URLSearchParams, operation: string, honoured: ReadonlySet<string>): void {
  for (const [param, value] of query) {
    if (honoured.has(param)) continue;
    const allowed = NEUTRAL_PARAMS[param];
    if (!allowed) throw badRequest(`The GCS emulator does not implement the ${operation} parameter ${param}`);
    if (!allowed(value)) throw badRequest(`The GCS emulator does not implement ${operation} with ${param}=${value}`);
  }
}

export function readMaxResults(query: URLSearchParams): number | undefined {
  const maxResults = query.get('maxResults');
  if (maxResults === null) return undefined;
  if (!/^\d+$/.test(maxResults)) throw badRequest(`Invalid maxResults: ${maxResults}`);
  return Number(maxResults);
}

/** Reads the query of `objects.list`; see `assertListParams`. */
export function parseListQuery(query: URLSearchParams): ListOptions {
  assertListParams(query, 'objects.list', LISTING_PARAMS);
  const text = (param: string): string | undefined => query.get(param) ?? undefined;

  const includeTrailingDelimiter = text('includeTrailingDelimiter');
  if (includeTrailingDelimiter !== undefined && !isBoolean(includeTrailingDelimiter)) {
    throw badRequest(`Invalid includeTrailingDelimiter: ${includeTrailingDelimiter} (expected true or false)`);
  }
  const matchGlob = text('matchGlob');
  if (matchGlob !== undefined && text('delimiter') !== undefined) {
    throw badRequest('The GCS emulator does not implement matchGlob together with delimiter');
  }
  return {
    prefix: text('prefix'),
    delimiter: text('delimiter'),
    maxResults: readMaxResults(query),
    pageToken: text('pageToken'),
    startOffset: text('startOffset'),
    endOffset: text('endOffset'),
    matchGlob: matchGlob === undefined ? undefined : globToRegExp(matchGlob),
    includeTrailingDelimiter: includeTrailingDelimiter === 'true',
  };
}
