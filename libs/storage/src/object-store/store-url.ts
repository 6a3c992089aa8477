import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UnsupportedStoreUrlError } from './errors';

export type StoreLocation = { scheme: 'file'; root: string } | { scheme: 'gs'; bucket: string; prefix: string };

export const SUPPORTED_SCHEMES = ['file:', 'gs:'] as const;

/** GCS bucket names: 3-63 characters (up to 222 with dots) of a-z, 0-9, `-`, `_`, `.`. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;

/**
 * Parses a store URL:
 * - `file:///abs/dir` (percent-encoding as in any file URL: `file:///data/my%20archive`);
 * - `gs://bucket` or `gs://bucket/prefix`, the prefix normalised to end with `/`
 *   (`gs://b/archive` and `gs://b/archive/` both put `x` at `archive/x`).
 */
export function parseStoreUrl(url: string): StoreLocation {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UnsupportedStoreUrlError(url, 'not a URL; expected file:///path/to/dir or gs://bucket/prefix');
  }
  switch (parsed.protocol) {
    case 'file:':
      return { scheme: 'file', root: fileRoot(url, parsed) };
    case 'gs:':
      return { scheme: 'gs', ...gcsBucketAndPrefix(url, parsed) };
    default:
      throw new UnsupportedStoreUrlError(
        url,
        `unsupported scheme "${parsed.protocol}"; supported: ${SUPPORTED_SCHEMES.join(', ')} (file:///path/to/dir, gs://bucket/prefix)`,
      );
  }
}

function fileRoot(url: string, parsed: URL): string {
  if (parsed.host !== '' && parsed.host !== 'localhost') {
    throw new UnsupportedStoreUrlError(url, `file URLs must be local (file:///path), got host "${parsed.host}"`);
  }
  if (parsed.search || parsed.hash) throw new UnsupportedStoreUrlError(url, 'a file URL takes no query or fragment');
  const root = fileURLToPath(parsed);
  if (!isAbsolute(root)) throw new UnsupportedStoreUrlError(url, 'the directory must be an absolute path');
  return root;
}

function gcsBucketAndPrefix(url: string, parsed: URL): { bucket: string; prefix: string } {
  const bucket = parsed.hostname;
  if (!BUCKET_NAME.test(bucket)) throw new UnsupportedStoreUrlError(url, `"${bucket}" is not a valid GCS bucket name`);
  if (parsed.port || parsed.username || parsed.password || parsed.search || parsed.hash) {
    throw new UnsupportedStoreUrlError(url, 'a gs:// URL is gs://bucket/prefix, with no port, credentials, query or fragment');
  }
  let path: string;
  try {
    path = decodeURIComponent(parsed.pathname);
  } catch {
    throw new UnsupportedStoreUrlError(url, 'malformed percent-encoding in the prefix');
  }
  const trimmed = path.replace(/^\/+/, '').replace(/\/+$/, '');
  if (trimmed === '') return { bucket, prefix: '' };
  if (trimmed.split('/').some((s) => s === '' || s === '.' || s === '..')) {
    throw new UnsupportedStoreUrlError(url, 'the prefix has an empty, "." or ".." segment');
  }
  return { bucket, prefix: `${trimmed}/` };
}
