import { CRC32C } from '@google-cloud/storage';
import { createHash } from 'node:crypto';
import { createReadStream, type BigIntStats } from 'node:fs';
import { link, lstat, mkdir, open, readdir, readFile, rename, rm, unlink } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { InvalidObjectNameError, ObjectAlreadyExistsError, ObjectNotFoundError, StorageError } from '../errors';
import { compareNames } from '../object-name';
import type { ListOptions, ObjectInfo, ObjectPage, ObjectStore, PutOptions } from '../object-store';
import { decodePageToken, encodePageToken } from '../page-token';
import { writeFully } from '../write-fully';
import { isReservedEntry, isTempEntry, LocalLayout } from './local-layout';
import { readSidecar, removeSidecar, sidecarFor, sidecarMatches, writeSidecar } from './sidecar';

export interface LocalDirectoryStoreOptions {
  /** Create the root directory (and parents) when opening, if missing. Default true. */
  create?: boolean;
  /**
   * fsync each object's data, its directory and every directory the put (or open) created,
   * with its parent, before a put resolves, so a stored object survives power loss.
   * Default true; turn off only for throwaway data.
   */
  fsync?: boolean;
  /** Fault injection for tests; never set in production. */
  testHooks?: LocalStoreTestHooks;
}

export interface LocalStoreTestHooks {
  /**
   * Runs after an upload's temporary file is complete (and fsynced), before it is linked or
   * renamed to its final name: the window a crash must not turn into a half-stored object.
   * Throwing fails the put as a failing rename would.
   */
  beforeCommit?(temporaryPath: string, finalPath: string): void | Promise<void>;
}

const DEFAULT_PAGE_SIZE = 1000;
const READ_CHUNK_BYTES = 1024 * 1024;
/** Directories remembered as durable (see syncDirectoryEntries); past this many the memory is dropped and rebuilt. */
const MAX_REMEMBERED_DIRECTORIES = 4096;

/**
 * An object store on a local directory (`file:///path/to/dir`), for development and
 * on-premise runs. Each object is a plain file under the root, `/` in names making
 * subdirectories, so the archive can be read in place.
 *
 * Puts are atomic: data goes to a temporary file beside the final name, is fsynced, then
 * renamed over the final name (or, with `ifAbsent`, hard-linked to it, which fails if the
 * name exists: race-free between processes), and the directory is fsynced, as is each
 * directory on the way from the root in its parent. A crash never leaves a partial object under
 * its final name; a leftover temporary file is invisible to `list` and removed by
 * `sweepTemporaryFiles`.
 *
 * A file system cannot hold both `a` and `a/b`; such a put fails with InvalidObjectNameError.
 */
export class LocalDirectoryStore implements ObjectStore {
  readonly url: string;
  readonly root: string;
  private readonly layout: LocalLayout;
  private readonly fsync: boolean;
  private readonly hooks: LocalStoreTestHooks;
  /** Directories under the root whose entry in their parent this store has fsynced. */
  private readonly durableDirectories = new Set<string>();

  constructor(root: string, options: LocalDirectoryStoreOptions = {}) {
    if (!isAbsolute(root)) throw new StorageError(`The root of a local directory store must be an absolute path, got ${JSON.stringify(root)}`);
    this.root = resolve(root);
    this.url = pathToFileURL(this.root).href;
    this.layout = new LocalLayout(this.root);
    this.fsync = options.fsync ?? true;
    this.hooks = options.testHooks ?? {};
  }

  /** Opens a store on `root`, creating the directory unless `create: false`. */
  static async open(root: string, options: LocalDirectoryStoreOptions = {}): Promise<LocalDirectoryStore> {
    const store = new LocalDirectoryStore(root, options);
    if (options.create ?? true) {
      const firstCreated = await mkdir(store.root, { recursive: true });
      // A root created here must survive power loss too: fsync the parent of each new directory.
      if (firstCreated !== undefined && store.fsync) {
        for (const dir of directoriesDownTo(dirname(firstCreated), store.root)) await fsyncDirectory(dirname(dir));
      }
    }
    const stats = await lstat(store.root).catch((error: unknown) => {
      throw new StorageError(`Cannot open local directory store ${store.url}: ${(error as Error).message}`, { cause: error });
    });
    if (!stats.isDirectory()) throw new StorageError(`Cannot open local directory store ${store.url}: not a directory`);
    return store;
  }

  async putFile(localPath: string, name: string, options: PutOptions = {}): Promise<ObjectInfo> {
    this.layout.segments(name);
    return this.putStream(createReadStream(localPath, { highWaterMark: READ_CHUNK_BYTES }), name, options);
  }

  async putStream(content: Readable, name: string, options: PutOptions = {}): Promise<ObjectInfo> {
    let finalPath: string;
    try {
      finalPath = this.layout.dataPath(name);
    } catch (error) {
      content.destroy();
      throw error;
    }
    await this.makeParentDirectory(name, finalPath, content);
    const tempPath = this.layout.tempPathBeside(finalPath);
    let committed = false;
    try {
      const { crc32c, md5 } = await this.writeTemporaryFile(tempPath, content);
      await this.hooks.beforeCommit?.(tempPath, finalPath);
      await this.commit(name, tempPath, finalPath, options.ifAbsent === true);
      committed = true;
      if (this.fsync) await fsyncDirectory(dirname(finalPath));
      const stats = await lstat(finalPath, { bigint: true });
      const sidecar = sidecarFor(stats, { crc32c, md5, contentType: options.contentType, metadata: options.metadata });
      const metaPath = this.layout.metaPath(name);
      await writeSidecar(metaPath, this.layout.tempPathBeside(metaPath), sidecar).catch((error: unknown) => {
        throw new StorageError(
          `${JSON.stringify(name)} was stored in ${this.url} but its attributes could not be saved: ${(error as Error).message}`,
          { cause: error },
        );
      });
      return toObjectInfo(name, stats, sidecar);
    } finally {
      if (!committed) await rm(tempPath, { force: true });
    }
  }

  async get(name: string): Promise<Buffer> {
    const path = this.layout.dataPath(name);
    try {
      return await readFile(path);
    } catch (error) {
      if (isMissing(error)) throw new ObjectNotFoundError(name, this.url, { cause: error });
      throw error;
    }
  }

  async stat(name: string): Promise<ObjectInfo | undefined> {
    return this.infoAt(name, this.layout.dataPath(name));
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ObjectPage> {
    const maxResults = Math.max(1, options.maxResults ?? DEFAULT_PAGE_SIZE);
    const after = options.pageToken === undefined ? undefined : decodePageToken(options.pageToken);
    const start = this.layout.listStart(prefix);
    const items: ObjectInfo[] = [];
    if (!start) return { items };
    let more = false;

    // Depth-first, children in byte order with a directory keyed as `name/`: that visits
    // names in exactly their lexicographic order, so a page can stop early and the next
    // one can skip every subtree that lies wholly before its token.
    const walk = async (dir: string, namePrefix: string, entryPrefix: string): Promise<boolean> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (error) {
        if (isMissing(error)) return false;
        throw error;
      }
      const children = entries
        .filter((e) => !isReservedEntry(e.name) && e.name.startsWith(entryPrefix) && (e.isFile() || e.isDirectory()))
        .map((e) => ({ entry: e, key: e.isDirectory() ? `${e.name}/` : e.name }))
        .sort((a, b) => compareNames(a.key, b.key));
      for (const { entry, key } of children) {
        const name = namePrefix + key;
        if (entry.isDirectory()) {
          if (after !== undefined && !after.startsWith(name) && compareNames(name, after) < 0) continue;
          if (await walk(join(dir, entry.name), name, '')) return true;
          continue;
        }
        if (after !== undefined && compareNames(name, after) <= 0) continue;
        if (items.length === maxResults) {
          more = true;
          return true;
        }
        const info = await this.infoAt(name, join(dir, entry.name));
        if (info) items.push(info);
      }
      return false;
    };
    await walk(start.dir, start.namePrefix, start.entryPrefix);
    return more ? { items, nextPageToken: encodePageToken(items[items.length - 1].name) } : { items };
  }

  async delete(name: string): Promise<boolean> {
    const path = this.layout.dataPath(name);
    try {
      const stats = await lstat(path);
      if (!stats.isFile()) return false;
      await unlink(path);
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
    await removeSidecar(this.layout.metaPath(name));
    return true;
  }

  /**
   * Removes temporary files left by puts that never finished (a crash, a kill -9) and are
   * older than `olderThanMs` (default one hour, so puts in progress are left alone).
   * Returns how many were removed.
   */
  async sweepTemporaryFiles(options: { olderThanMs?: number } = {}): Promise<number> {
    const cutoff = Date.now() - (options.olderThanMs ?? 60 * 60 * 1000);
    let removed = 0;
    const sweep = async (dir: string): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) await sweep(path);
        else if (isTempEntry(entry.name)) {
          const stats = await lstat(path).catch(() => undefined);
          if (stats && stats.mtimeMs < cutoff) {
            await rm(path, { force: true });
            removed++;
          }
        }
      }
    };
    await sweep(this.root);
    return removed;
  }

  private async makeParentDirectory(name: string, finalPath: string, content: Readable): Promise<void> {
    const dir = dirname(finalPath);
    let firstCreated: string | undefined;
    try {
      firstCreated = await mkdir(dir, { recursive: true });
    } catch (error) {
      content.destroy();
      if (hasCode(error, 'ENOTDIR') || hasCode(error, 'EEXIST')) {
        throw new InvalidObjectNameError(name, 'a leading part of it is already an object (a local directory store cannot hold both "a" and "a/b")');
      }
      throw error;
    }
    if (!this.fsync) return;
    try {
      await this.syncDirectoryEntries(dir, firstCreated);
    } catch (error) {
      content.destroy();
      throw error;
    }
  }

  /**
   * Makes the path from the root down to `dir` durable: for each directory on it, its entry in
   * its parent is fsynced (so a new `topic=…/dt=…` directory, and the object in it, cannot
   * vanish after power loss while the put has resolved). `dir`'s own entries are fsynced after
   * the object is renamed into it. Directories this store has made durable before are skipped,
   * except those the mkdir just created (they may have been removed and made anew); a
   * directory another writer created is synced here too, since that writer may not have
   * finished (or may have crashed) before syncing it.
   */
  private async syncDirectoryEntries(dir: string, firstCreated: string | undefined): Promise<void> {
    const path = directoriesDownTo(this.root, dir);
    if (firstCreated !== undefined) {
      for (const d of path) if (d === firstCreated || d.startsWith(firstCreated + sep)) this.durableDirectories.delete(d);
    }
    for (const d of path) {
      if (this.durableDirectories.has(d)) continue;
      await fsyncDirectory(dirname(d));
      if (this.durableDirectories.size >= MAX_REMEMBERED_DIRECTORIES) this.durableDirectories.clear();
      this.durableDirectories.add(d);
    }
  }

  private async writeTemporaryFile(tempPath: string, content: Readable): Promise<{ crc32c: string; md5: string }> {
    const crc = new CRC32C();
    const md5 = createHash('md5');
    const handle = await open(tempPath, 'wx');
    try {
      for await (const chunk of content) {
        const bytes: Buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        crc.update(bytes);
        md5.update(bytes);
        await writeFully(handle, bytes);
      }
      if (this.fsync) await handle.sync();
    } catch (error) {
      content.destroy();
      throw error;
    } finally {
      await handle.close();
    }
    return { crc32c: crc.toString(), md5: md5.digest('base64') };
  }

  private async commit(name: string, tempPath: string, finalPath: string, ifAbsent: boolean): Promise<void> {
    try {
      if (ifAbsent) {
        // link(2) fails with EEXIST if the name is taken, atomically: of concurrent
        // create-only writers exactly one succeeds. The temporary name is then dropped.
        await link(tempPath, finalPath);
        await unlink(tempPath);
      } else {
        await rename(tempPath, finalPath);
      }
    } catch (error) {
      if (ifAbsent && hasCode(error, 'EEXIST')) throw new ObjectAlreadyExistsError(name, this.url, { cause: error });
      if (hasCode(error, 'EISDIR') || hasCode(error, 'ENOTEMPTY') || hasCode(error, 'EEXIST')) {
        throw new InvalidObjectNameError(name, 'objects already exist under it as a prefix (a local directory store cannot hold both "a" and "a/b")');
      }
      throw error;
    }
  }

  private async infoAt(name: string, path: string): Promise<ObjectInfo | undefined> {
    let stats: BigIntStats;
    try {
      stats = await lstat(path, { bigint: true });
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    if (!stats.isFile()) return undefined;
    const sidecar = await readSidecar(this.layout.metaPath(name));
    return toObjectInfo(name, stats, sidecar && sidecarMatches(sidecar, stats) ? sidecar : undefined);
  }
}

function toObjectInfo(
  name: string,
  stats: BigIntStats,
  sidecar: { crc32c: string; md5: string; contentType?: string; metadata?: Record<string, string> } | undefined,
): ObjectInfo {
  const info: ObjectInfo = {
    name,
    size: Number(stats.size),
    updated: new Date(Number(stats.mtimeNs / 1_000_000n)),
    generation: `${stats.mtimeNs}-${stats.ino}`,
  };
  if (sidecar) {
    info.crc32c = sidecar.crc32c;
    info.md5 = sidecar.md5;
    if (sidecar.contentType !== undefined) info.contentType = sidecar.contentType;
    if (sidecar.metadata !== undefined) info.metadata = { ...sidecar.metadata };
  }
  return info;
}

/** The directories below `top` down to `bottom` (inclusive), top first; empty if `bottom` is not below `top`. */
function directoriesDownTo(top: string, bottom: string): string[] {
  const path: string[] = [];
  for (let d = bottom; d !== top && d.startsWith(top === sep ? sep : top + sep); d = dirname(d)) path.unshift(d);
  return path;
}

async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function hasCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as NodeJS.ErrnoException).code === code;
}

function isMissing(error: unknown): boolean {
  return hasCode(error, 'ENOENT') || hasCode(error, 'ENOTDIR') || hasCode(error, 'EISDIR');
}
