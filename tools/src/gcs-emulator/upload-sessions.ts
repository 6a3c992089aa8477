import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { notFound } from './errors';
import { KeyedMutex } from './keyed-mutex';
import type { ObjectAttributes } from './object-attributes';
import { ObjectHasher } from './object-hash';
import type { Preconditions } from './preconditions';
import type { StoredObject } from './resources';
import type { SuppliedHashes } from './supplied-hashes';

/**
 * A resumable upload between its initiating POST and its completion. Everything the
 * object will be created with is captured at initiation: the client sends preconditions
 * only on that POST, and they are checked again when the last byte arrives.
 */
export interface UploadSession {
  readonly id: string;
  readonly bucket: string;
  readonly name: string;
  readonly attributes: ObjectAttributes;
  readonly preconditions: Preconditions;
  readonly stagingPath: string;
  /** Checksums the client sent at initiation or with a data `PUT`; checked at completion. */
  readonly suppliedHashes: SuppliedHashes[];
  /** Bytes received in full requests; bytes of a request that broke off are not counted. */
  committedBytes: number;
  /** Hash state of the committed bytes. */
  hasher: ObjectHasher;
  /** Set once the upload completed; later PUTs to the session answer it again. */
  result?: StoredObject;
}

export type NewUploadSession = Pick<
  UploadSession,
  'bucket' | 'name' | 'attributes' | 'preconditions' | 'stagingPath' | 'suppliedHashes'
>;

/** How long GCS keeps a resumable session: one week. */
export const DEFAULT_UPLOAD_SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** The sweeper looks for expired sessions this often at most. */
const MAX_SWEEP_INTERVAL_MS = 60_000;

export interface UploadSessionsOptions {
  /** A session without a request for longer than this is dropped with its staged bytes. Default one week. */
  ttlMs?: number;
  /** The clock, for tests. */
  now?: () => number;
}

interface SessionEntry {
  session: UploadSession;
  /** When the last request on the session started or ended. */
  lastActivity: number;
  /** Requests on the session running or waiting for its lock; a session in use never expires. */
  running: number;
}

/**
 * The open resumable uploads. Requests on one session run one at a time. A session ends
 * when its commit or checksums are refused, when the client cancels it (`DELETE` on the
 * session URL), or when it has been idle for longer than the TTL, as GCS drops sessions
 * after a week; its staged bytes are removed then. A completed session is kept (it keeps
 * answering with its object) until it too has been idle that long.
 */
export class UploadSessions {
  private readonly entries = new Map<string, SessionEntry>();
  private readonly locks = new KeyedMutex();
  private readonly ttlMs: number;
  private readonly now: () => number;
  private sweeper?: NodeJS.Timeout;

  constructor(options: UploadSessionsOptions = {}) {
    this.ttlMs = options.ttlMs ?? DEFAULT_UPLOAD_SESSION_TTL_MS;
    if (!Number.isFinite(this.ttlMs) || this.ttlMs <= 0) {
      throw new RangeError(`upload session TTL must be a positive number of ms, got ${this.ttlMs}`);
    }
    this.now = options.now ?? Date.now;
  }

  async open(init: NewUploadSession): Promise<UploadSession> {
    // The staging file exists from the start, so an empty upload can complete like any other.
    await writeFile(init.stagingPath, '');
    const session: UploadSession = { ...init, id: randomUUID(), committedBytes: 0, hasher: ObjectHasher.create() };
    this.entries.set(session.id, { session, lastActivity: this.now(), running: 0 });
    return session;
  }

  /** Runs `task` on the session once no other request on it is running; 404 if it ended meanwhile. */
  async runExclusive<T>(id: string, task: (session: UploadSession) => Promise<T>): Promise<T> {
    const entry = this.liveEntry(id);
    entry.running += 1;
    entry.lastActivity = this.now();
    try {
      return await this.locks.runExclusive(id, () => task(this.liveEntry(id).session));
    } finally {
      entry.running -= 1;
      entry.lastActivity = this.now();
    }
  }

  /** Ends a session that can never complete (refused, cancelled or expired) and removes its staged bytes. */
  async abandon(session: UploadSession): Promise<void> {
    this.entries.delete(session.id);
    await rm(session.stagingPath, { force: true });
  }

  /** Ends every session idle for longer than the TTL; resolves with how many ended. */
  async sweep(): Promise<number> {
    const expired = [...this.entries.values()].filter((entry) => this.isExpired(entry));
    await Promise.all(expired.map((entry) => this.abandon(entry.session)));
    return expired.length;
  }

  /** Sweeps in the background (without keeping the process alive) until `close()`. */
  startSweeping(): void {
    if (this.sweeper) return;
    const interval = Math.max(10, Math.min(Math.floor(this.ttlMs / 2), MAX_SWEEP_INTERVAL_MS));
    this.sweeper = setInterval(() => {
      this.sweep().catch((error: unknown) => {
        console.error('gcs-emulator: removing expired upload sessions failed', error);
      });
    }, interval);
    this.sweeper.unref();
  }

  close(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  private isExpired(entry: SessionEntry): boolean {
    return entry.running === 0 && this.now() - entry.lastActivity > this.ttlMs;
  }

  /** The session's entry; 404 when it ended, also when it expired and the sweeper has not run yet. */
  private liveEntry(id: string): SessionEntry {
    const entry = this.entries.get(id);
    if (entry && this.isExpired(entry)) void this.abandon(entry.session).catch(() => undefined);
    if (!entry || this.isExpired(entry)) throw notFound(`No such upload session: ${id}`);
    return entry;
  }
}
