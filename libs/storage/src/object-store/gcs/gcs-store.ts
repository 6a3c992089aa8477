import { Storage, type Bucket, type File, type FileMetadata, type StorageOptions, CRC32C } from '@google-cloud/storage';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addAbortSignal, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  IntegrityError,
  ObjectAlreadyExistsError,
  ObjectNotFoundError,
  StorageError,
  StorageRequestError,
  UnsupportedStoreUrlError,
} from '../errors';
import { assertValidObjectName } from '../object-name';
import type { ListOptions, ObjectInfo, ObjectPage, ObjectStore, PutOptions } from '../object-store';
import { parseStoreUrl } from '../store-url';
import { writeFully } from '../write-fully';
import { httpStatusOf, isChecksumRejection, isTransientGcsError } from './gcs-errors';
import { DEFAULT_RETRY_OPTIONS, retryUntilDeadline, type Attempt, type RetryEvent, type RetryOptions } from './retry-until-deadline';

export interface GcsStoreOptions {
  /**
   * Options of the `@google-cloud/storage` client. Against real GCS, leave them empty to
   * use application-default credentials (GOOGLE_APPLICATION_CREDENTIALS, gcloud auth,
   * or the metadata server), or set `keyFilename` / `credentials` and `projectId`.
   * Against the emulator: `{ apiEndpoint: 'http://127.0.0.1:PORT', projectId: 'any' }`
   * (no credentials needed, and `STORAGE_EMULATOR_HOST` must be unset).
   * The client's own retries are always turned off: this store retries, under its deadline.
   */
  storageOptions?: Omit<StorageOptions, 'retryOptions'>;
  /** Backoff and deadline of every operation. */
  retry?: RetryOptions;
  /**
   * Uploads of at least this many bytes are resumable (an initiating request, then the
   * data); smaller ones are a single multipart request. Default 8 MiB.
   */
  resumableThresholdBytes?: number;
  /** Where `putStream` spools its content so that a failed attempt can be retried from the start. Default os.tmpdir(). */
  spoolDirectory?: string;
  /** Called for each transient failure that is about to be retried: for logs and metrics. */
  onRetry?: (event: RetryEvent) => void;
}

const DEFAULT_RESUMABLE_THRESHOLD_BYTES = 8 * 1024 * 1024;
const DEFAULT_PAGE_SIZE = 1000;
const READ_CHUNK_BYTES = 1024 * 1024;

/**
 * An object store on a Google Cloud Storage bucket (`gs://bucket/prefix`).
 *
 * - Every upload is checked end to end: the store computes the content's CRC-32C, sends it
 *   with the upload (GCS itself then refuses corrupted data) and compares it with the
 *   CRC-32C in the answer. A mismatch deletes that generation and fails with IntegrityError.
 *   Downloads are checked against the CRC-32C GCS sends with them (IntegrityError too).
 * - Transient failures (408, 429, 5xx, network errors, a connection cut mid-upload) are
 *   retried with exponential backoff and full jitter; an upload restarts from the first
 *   byte of its local file. When the deadline passes the operation fails with
 *   StorageDeadlineExceededError, and none of its requests is left running (each carries a
 *   timeout at the deadline). Reading the content for its CRC-32C counts against it.
 * - `ifAbsent` is `ifGenerationMatch: 0`; GCS answers 412 if the name is taken, which
 *   becomes ObjectAlreadyExistsError (after a retried attempt, a 412 whose stored object
 *   has our CRC-32C and size is recognised as our own earlier attempt and succeeds).
 * - The URL's prefix is prepended to names and stripped from listed names.
 */
export class GcsStore implements ObjectStore {
  readonly url: string;
  readonly bucketName: string;
  readonly prefix: string;
  private readonly storage: Storage;
  private readonly retry: Required<RetryOptions>;
  private readonly resumableThresholdBytes: number;
  private readonly spoolDirectory: string;
  private readonly onRetry: ((event: RetryEvent) => void) | undefined;

  /** `url` is `gs://bucket` or `gs://bucket/prefix`. */
  constructor(url: string, options: GcsStoreOptions = {}) {
    const location = parseStoreUrl(url);
    if (location.scheme !== 'gs') throw new UnsupportedStoreUrlError(url, 'a GcsStore needs a gs://bucket/prefix URL');
    this.bucketName = location.bucket;
    this.prefix = location.prefix;
    this.url = `gs://${location.bucket}/${location.prefix}`;
    if (options.storageOptions?.apiEndpoint && process.env.STORAGE_EMULATOR_HOST) {
      // The client would send JSON calls to the variable's host and uploads to apiEndpoint.
      throw new StorageError(
        `GcsStore for ${this.url}: both apiEndpoint (${options.storageOptions.apiEndpoint}) and STORAGE_EMULATOR_HOST ` +
          `(${process.env.STORAGE_EMULATOR_HOST}) are set; unset STORAGE_EMULATOR_HOST`,
      );
    }
    // The client's retries are off: this store retries, under its deadline. `retryableErrorFn`
    // too, or the resumable upload would give up with an untyped "Retry limit exceeded" Error.
    this.storage = new Storage({ ...options.storageOptions, retryOptions: { autoRetry: false, maxRetries: 0, retryableErrorFn: () => false } });
    this.retry = { ...DEFAULT_RETRY_OPTIONS, ...definedOnly(options.retry ?? {}) };
    this.resumableThresholdBytes = options.resumableThresholdBytes ?? DEFAULT_RESUMABLE_THRESHOLD_BYTES;
    this.spoolDirectory = options.spoolDirectory ?? tmpdir();
    this.onRetry = options.onRetry;
  }

  async putFile(localPath: string, name: string, options: PutOptions = {}): Promise<ObjectInfo> {
    assertValidObjectName(name);
    // Reading the file for its CRC-32C is part of the put, under its deadline.
    return this.upload(name, options, async (signal) => {
      const { size } = await stat(localPath);
      return { path: localPath, size, crc32c: await crc32cOfFile(localPath, signal) };
    });
  }

  async putStream(content: Readable, name: string, options: PutOptions = {}): Promise<ObjectInfo> {
    try {
      assertValidObjectName(name);
    } catch (error) {
      content.destroy();
      throw error;
    }
    // A stream can be read once; spooling it to disk lets every retry start from byte 0.
    const spoolDir = await mkdtemp(join(this.spoolDirectory, 'eventpath-gcs-spool-')).catch((error: unknown) => {
      content.destroy();
      throw new StorageRequestError('put', name, undefined, { cause: error });
    });
    try {
      const spoolPath = join(spoolDir, 'content');
      return await this.upload(name, options, async (signal) => ({ path: spoolPath, ...(await spool(content, spoolPath, signal)) }));
    } finally {
      await rm(spoolDir, { recursive: true, force: true });
    }
  }

  async get(name: string): Promise<Buffer> {
    assertValidObjectName(name);
    return this.withRetries('get', name, async (attempt) => {
      try {
        return await download(this.file(name, attempt), attempt.signal);
      } catch (error) {
        if (error instanceof DownloadMismatch) {
          throw new IntegrityError(name, error.storedCrc32c, error.receivedCrc32c, 'nothing was returned', { operation: 'get' });
        }
        if (httpStatusOf(error) === 404) throw new ObjectNotFoundError(name, this.url, { cause: error });
        throw error;
      }
    });
  }

  async stat(name: string): Promise<ObjectInfo | undefined> {
    assertValidObjectName(name);
    return this.withRetries('stat', name, (attempt) => this.statWithin(name, attempt));
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ObjectPage> {
    return this.withRetries('list', prefix, async (attempt) => {
      const [files, nextQuery] = await this.bucketFor(attempt).getFiles({
        prefix: this.prefix + prefix,
        maxResults: options.maxResults ?? DEFAULT_PAGE_SIZE,
        pageToken: options.pageToken,
        autoPaginate: false,
      });
      const items = files.map((f) => this.toObjectInfo(f.metadata));
      const nextPageToken = (nextQuery as { pageToken?: string } | null)?.pageToken;
      return nextPageToken ? { items, nextPageToken } : { items };
    });
  }

  async delete(name: string): Promise<boolean> {
    assertValidObjectName(name);
    return this.withRetries('delete', name, async (attempt) => {
      try {
        await this.file(name, attempt).delete();
        return true;
      } catch (error) {
        if (httpStatusOf(error) === 404) return false;
        throw error;
      }
    });
  }

  /**
   * Uploads the local file `prepare` names, with every attempt under one deadline. `prepare`
   * (reading the content for its size and CRC-32C) runs once, in the first attempt, so it is
   * under the deadline too; its failures are not retried.
   */
  private async upload(name: string, options: PutOptions, prepare: (signal: AbortSignal) => Promise<LocalContent>): Promise<ObjectInfo> {
    let prepared: Promise<LocalContent> | undefined;
    return this.withRetries('put', name, async (attempt) => {
      const { path: localPath, size, crc32c } = await (prepared ??= prepare(attempt.signal).catch((error: unknown) => {
        if (attempt.signal.aborted) throw error;
        throw new StorageRequestError('put', name, undefined, { cause: error });
      }));
      try {
        return await this.uploadOnce(localPath, size, crc32c, name, options, attempt);
      } catch (error) {
        if (isChecksumRejection(error)) throw new IntegrityError(name, crc32c, undefined, 'GCS refused the data', { cause: error });
        if (httpStatusOf(error) !== 412 || !options.ifAbsent) throw error;
        // An earlier attempt may have stored the object and lost only the answer: then the
        // name holds exactly our bytes, and this is our success, not someone else's object.
        if (attempt.number > 1) {
          const existing = await this.statWithin(name, attempt);
          if (existing && existing.crc32c === crc32c && existing.size === size) return existing;
        }
        throw new ObjectAlreadyExistsError(name, this.url, { cause: error });
      }
    });
  }

  private async uploadOnce(
    localPath: string,
    size: number,
    crc32c: string,
    name: string,
    options: PutOptions,
    attempt: Attempt,
  ): Promise<ObjectInfo> {
    const file = this.file(name, attempt);
    const metadata: FileMetadata = { crc32c };
    if (options.contentType !== undefined) metadata.contentType = options.contentType;
    if (options.metadata !== undefined) metadata.metadata = { ...options.metadata };
    const upload = file.createWriteStream({
      resumable: size >= this.resumableThresholdBytes,
      // Checked below against our own CRC-32C: the client's check would delete whatever
      // generation is live, possibly a newer one written by someone else.
      validation: false,
      metadata,
      preconditionOpts: options.ifAbsent ? { ifGenerationMatch: 0 } : undefined,
    });
    await pipeline(createReadStream(localPath, { highWaterMark: READ_CHUNK_BYTES }), upload, { signal: attempt.signal });
    const stored = file.metadata;
    if (stored.crc32c !== crc32c || Number(stored.size) !== size) {
      await this.deleteGeneration(file, stored.generation);
      throw new IntegrityError(
        name,
        crc32c,
        stored.crc32c,
        `local size ${size}, stored size ${stored.size}; the stored copy was deleted`,
      );
    }
    return this.toObjectInfo(stored);
  }

  /** Deletes exactly the generation an upload created, never a newer one. Best effort. */
  private async deleteGeneration(file: File, generation: string | number | undefined): Promise<void> {
    if (generation === undefined) return;
    try {
      await file.delete({ ifGenerationMatch: generation });
    } catch {
      // Already gone, or replaced by a newer generation: either way nothing of ours remains to remove.
    }
  }

  private withRetries<T>(operation: string, name: string | undefined, attempt: (attempt: Attempt) => Promise<T>): Promise<T> {
    return retryUntilDeadline(operation, name, this.retry, isTransientGcsError, attempt, this.onRetry).catch((error: unknown) => {
      if (error instanceof StorageError) throw error;
      throw new StorageRequestError(operation, name, httpStatusOf(error), { cause: error });
    });
  }

  /** One stat request, in an attempt of `stat` or of another operation (no retries of its own). */
  private async statWithin(name: string, attempt: Attempt): Promise<ObjectInfo | undefined> {
    try {
      const [metadata] = await this.file(name, attempt).getMetadata();
      return this.toObjectInfo(metadata);
    } catch (error) {
      if (httpStatusOf(error) === 404) return undefined;
      throw error;
    }
  }

  /**
   * A Bucket object for one attempt, whose every request (JSON calls, uploads, downloads) times
   * out at the operation's deadline: the client takes no abort signal, but its HTTP layers
   * (teeny-request's node-fetch, gaxios for resumable uploads) abort a request on `timeout`,
   * so no request outlives the deadline that gave up on it.
   */
  private bucketFor(attempt: Attempt): Bucket {
    const bucket = this.storage.bucket(this.bucketName);
    bucket.interceptors.push({
      request: (reqOpts) => {
        reqOpts.timeout = Math.max(1, attempt.deadline - Date.now());
        return reqOpts as ReturnType<Bucket['interceptors'][number]['request']>;
      },
    });
    return bucket;
  }

  private file(name: string, attempt: Attempt): File {
    return this.bucketFor(attempt).file(this.prefix + name);
  }

  private toObjectInfo(metadata: FileMetadata): ObjectInfo {
    const fullName = metadata.name ?? '';
    const info: ObjectInfo = {
      name: fullName.startsWith(this.prefix) ? fullName.slice(this.prefix.length) : fullName,
      size: Number(metadata.size ?? 0),
      updated: new Date(metadata.updated ?? metadata.timeCreated ?? 0),
      generation: String(metadata.generation ?? ''),
    };
    if (metadata.crc32c) info.crc32c = metadata.crc32c;
    if (metadata.md5Hash) info.md5 = metadata.md5Hash;
    if (metadata.contentType) info.contentType = metadata.contentType;
    if (metadata.metadata) {
      const custom = Object.entries(metadata.metadata).filter(
        (entry): entry is [string, string | number | boolean] => entry[1] !== null && entry[1] !== undefined,
      );
      if (custom.length > 0) info.metadata = Object.fromEntries(custom.map(([k, v]) => [k, String(v)]));
    }
    return info;
  }
}

/** A local file to upload, with what the upload checks it by. */
interface LocalContent {
  path: string;
  size: number;
  crc32c: string;
}

async function crc32cOfFile(path: string, signal: AbortSignal): Promise<string> {
  const crc = new CRC32C();
  for await (const chunk of createReadStream(path, { highWaterMark: READ_CHUNK_BYTES, signal })) crc.update(chunk as Buffer);
  return crc.toString();
}

async function spool(content: Readable, path: string, signal: AbortSignal): Promise<{ size: number; crc32c: string }> {
  const crc = new CRC32C();
  let size = 0;
  const handle = await open(path, 'wx');
  try {
    for await (const chunk of addAbortSignal(signal, content)) {
      const bytes: Buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      crc.update(bytes);
      size += bytes.length;
      await writeFully(handle, bytes);
    }
  } catch (error) {
    content.destroy();
    throw error;
  } finally {
    await handle.close();
  }
  return { size, crc32c: crc.toString() };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The downloaded bytes differ from the object's CRC-32C that GCS sent with them. */
class DownloadMismatch extends Error {
  constructor(
    readonly storedCrc32c: string,
    readonly receivedCrc32c: string,
  ) {
    super(`downloaded bytes have CRC-32C ${receivedCrc32c}, the object ${storedCrc32c}`);
  }
}

/**
 * Downloads an object through the client's read stream and checks the bytes against the
 * CRC-32C in GCS's `X-Goog-Hash` answer header, as the client's own validation would (and
 * only where it would: an object stored as is, `X-Goog-Stored-Content-Encoding: identity`),
 * but keeping both checksums for the error. Stops (destroys the stream) when `signal` fires.
 */
async function download(file: File, signal: AbortSignal): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const crc = new CRC32C();
  let storedCrc32c: string | undefined;
  const stream = file.createReadStream({ validation: false });
  stream.on('response', (response: { headers?: Record<string, unknown> }) => {
    if (response.headers?.['x-goog-stored-content-encoding'] !== 'identity') return;
    storedCrc32c = /(?:^|,)\s*crc32c=([^,]+)/.exec(String(response.headers['x-goog-hash'] ?? ''))?.[1];
  });
  for await (const chunk of addAbortSignal(signal, stream)) {
    crc.update(chunk as Buffer);
    chunks.push(chunk as Buffer);
  }
  if (storedCrc32c !== undefined && storedCrc32c !== crc.toString()) throw new DownloadMismatch(storedCrc32c, crc.toString());
  return Buffer.concat(chunks);
}
