import type { Readable } from 'node:stream';

/** What a store knows about one stored object. */
export interface ObjectInfo {
  /** The object's name inside the store (relative to the store's URL prefix). */
  name: string;
  size: number;
  updated: Date;
  /** Changes on every overwrite; lets a poller detect a change cheaply. */
  generation: string;
  /** base64 CRC-32C (Castagnoli) of the content, where the store keeps one. */
  crc32c?: string;
  /** base64 MD5 of the content, where the store keeps one. */
  md5?: string;
  contentType?: string;
  metadata?: Record<string, string>;
}

export interface PutOptions {
  /** Store only if no object has this name yet; otherwise fail with ObjectAlreadyExistsError. */
  ifAbsent?: boolean;
  contentType?: string;
  /** Custom metadata kept with the object. */
  metadata?: Record<string, string>;
}

export interface ListOptions {
  /** Page size; the store may return fewer. */
  maxResults?: number;
  /** From a previous page's `nextPageToken`. */
  pageToken?: string;
}

export interface ObjectPage {
  /** In lexicographic order of name. */
  items: ObjectInfo[];
  nextPageToken?: string;
}

/**
 * Object storage as the archiver and the schema registry use it. Names may
 * contain `/` (a pseudo-directory), `=`, spaces, `+`, `%` and any unicode.
 * Overwriting an existing name is allowed unless `ifAbsent` is set, so that a
 * replay after a crash rewrites the same object.
 */
export interface ObjectStore {
  /** The store's address, e.g. `gs://bucket/prefix` or `file:///var/archive`. */
  readonly url: string;
  putFile(localPath: string, name: string, options?: PutOptions): Promise<ObjectInfo>;
  putStream(content: Readable, name: string, options?: PutOptions): Promise<ObjectInfo>;
  /** The whole content; ObjectNotFoundError if absent. */
  get(name: string): Promise<Buffer>;
  /** undefined if absent. */
  stat(name: string): Promise<ObjectInfo | undefined>;
  list(prefix: string, options?: ListOptions): Promise<ObjectPage>;
  /** true if it existed. */
  delete(name: string): Promise<boolean>;
}
