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
 * Reads the query of `objects.list`. Every parameter is either honoured or refused with
 * 400: one silently ignored (`versions=true`, `fields`, a misspelt `startAfter`) would give
 * a listing that looks right and is not.
 */
export function parseListQuery(query: URLSearchParams): ListOptions {
  for (const [param, value] of query) {
    if (LISTING_PARAMS.has(param)) continue;
    const allowed = NEUTRAL_PARAMS[param];
    if (!allowed) throw badRequest(`The GCS emulator does not implement the objects.list parameter ${param}`);
    if (!allowed(value)) {
      throw badRequest(`The GCS emulator does not implement objects.list with ${param}=${value}`);
    }
  }
  const text = (param: string): string | undefined => query.get(param) ?? undefined;

  const maxResults = text('maxResults');
  if (maxResults !== undefined && !/^\d+$/.test(maxResults)) throw badRequest(`Invalid maxResults: ${maxResults}`);
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
    maxResults: maxResults === undefined ? undefined : Number(maxResults),
    pageToken: text('pageToken'),
    startOffset: text('startOffset'),
    endOffset: text('endOffset'),
    matchGlob: matchGlob === undefined ? undefined : globToRegExp(matchGlob),
    includeTrailingDelimiter: includeTrailingDelimiter === 'true',
  };
}
