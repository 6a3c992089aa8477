import { StorageError } from './errors';

/** A page token of the local store: the last name of the previous page, opaque to callers. */
export function encodePageToken(lastName: string): string {
  return Buffer.from(`n:${lastName}`, 'utf8').toString('base64url');
}

export function decodePageToken(token: string): string {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  if (!text.startsWith('n:')) throw new StorageError(`Invalid page token ${JSON.stringify(token)}`);
  return text.slice(2);
}
