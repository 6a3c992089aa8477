import { GcsStore, type GcsStoreOptions } from './gcs/gcs-store';
import { LocalDirectoryStore, type LocalDirectoryStoreOptions } from './local/local-directory-store';
import type { ObjectStore } from './object-store';
import { parseStoreUrl } from './store-url';

export interface OpenObjectStoreOptions {
  /** Used when the URL is `file://`. */
  local?: LocalDirectoryStoreOptions;
  /** Used when the URL is `gs://`. */
  gcs?: GcsStoreOptions;
}

/**
 * Opens the store a URL names:
 * - `file:///path/to/dir`: a LocalDirectoryStore (the directory is created if missing);
 * - `gs://bucket` or `gs://bucket/prefix`: a GcsStore.
 * Any other scheme, or a malformed URL, fails with UnsupportedStoreUrlError.
 */
export async function openObjectStore(url: string, options: OpenObjectStoreOptions = {}): Promise<ObjectStore> {
  const location = parseStoreUrl(url);
  switch (location.scheme) {
    case 'file':
      return LocalDirectoryStore.open(location.root, options.local);
    case 'gs':
      return new GcsStore(url, options.gcs);
  }
}
