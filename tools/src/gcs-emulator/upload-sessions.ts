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

/** The open resumable uploads. Requests on one session run one at a time. */
export class UploadSessions {
  private readonly sessions = new Map<string, UploadSession>();
  private readonly locks = new KeyedMutex();

  async open(init: NewUploadSession): Promise<UploadSession> {
    // The staging file exists from the start, so an empty upload can complete like any other.
    await writeFile(init.stagingPath, '');
    const session: UploadSession = { ...init, id: randomUUID(), committedBytes: 0, hasher: ObjectHasher.create() };
    this.sessions.set(session.id, session);
    return session;
  }

  get(id: string): UploadSession {
    const session = this.sessions.get(id);
    if (!session) throw notFound(`No such upload session: ${id}`);
    return session;
  }

  /** Runs `task` on the session once no other request on it is running; 404 if it ended meanwhile. */
  runExclusive<T>(id: string, task: (session: UploadSession) => Promise<T>): Promise<T> {
    this.get(id);
    return this.locks.runExclusive(id, () => task(this.get(id)));
  }

  /** Ends a session that can never complete (its commit or its checksums were refused). */
  async abandon(session: UploadSession): Promise<void> {
    this.sessions.delete(session.id);
    await rm(session.stagingPath, { force: true });
  }
}
