import { rm, stat } from 'node:fs/promises';
import type { ObjectInfo, ObjectStore } from '@eventpath/storage';
import { backOff } from 'exponential-backoff';
import { objectMetadataFor, readAccount } from '../files/archive-file-metadata';
import type { FinalizedArchiveFile } from '../files/finalized-archive-file';
import { parseFooter } from '../footers/parquet-footer';
import { archiveObjectName, parseArchiveObjectName } from '../naming/object-names';
import type { OffsetRuns } from '../offsets/offset-runs';
import { crc32cOfFile } from './crc32c-of-file';
import { placeObject, UploadIntegrityError, type Placement } from './object-placement';

export const PARQUET_CONTENT_TYPE = 'application/vnd.apache.parquet';

export interface UploadRetryOptions {
  /** Attempts of a whole upload (each store operation retries on its own too). Default 5. */
  attempts?: number;
  /** First delay between attempts. Default 1000 ms. */
  initialDelayMs?: number;
  /** Longest delay between attempts. Default 30 000 ms. */
  maxDelayMs?: number;
}

export interface UploadReport {
  file: FinalizedArchiveFile;
  placement: Placement;
  durationMs: number;
  attempts: number;
}

export interface ArchiveUploaderOptions {
  store: ObjectStore;
  retry?: UploadRetryOptions;
  /** Before each retry of a failed upload. */
  onRetry?: (error: unknown, file: FinalizedArchiveFile, attempt: number) => void;
}

/**
 * Uploads finalized Parquet files: create-only under their deterministic
 * name (see placeObject), with the footer's key-value metadata as the
 * object's custom metadata, checked against the local CRC-32C, retried with
 * exponential backoff. The local file is removed once stored. An upload that
 * fails every attempt rejects: the pipeline stops and the process exits, and
 * the uncommitted offsets are read again by whoever owns the partition next.
 */
export class ArchiveUploader {
  private readonly attempts: number;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(private readonly options: ArchiveUploaderOptions) {
    this.attempts = options.retry?.attempts ?? 5;
    this.initialDelayMs = options.retry?.initialDelayMs ?? 1000;
    this.maxDelayMs = options.retry?.maxDelayMs ?? 30_000;
  }

  get store(): ObjectStore {
    return this.options.store;
  }

  async upload(file: FinalizedArchiveFile, signal?: AbortSignal): Promise<UploadReport> {
    const started = performance.now();
    const crc32c = await crc32cOfFile(file.localPath);
    const { size } = await stat(file.localPath);
    const metadata = objectMetadataFor(file.metadata);
    const parsed = parseArchiveObjectName(file.objectName);
    const alternateName = archiveObjectName({
      topic: file.topic,
      timePartition: parsed?.timePartition ?? '',
      partition: file.partition,
      firstOffset: file.offsets.first as number,
      lastOffset: file.offsets.last as number,
    });
    let attempts = 0;
    const distrusted = new Set<string>();
    const placement = await backOff(
      () => {
        attempts += 1;
        return placeObject(
          this.options.store,
          file.objectName,
          alternateName,
          {
            put: (name, options) => this.options.store.putFile(file.localPath, name, { ...options, contentType: PARQUET_CONTENT_TYPE, metadata }),
            crc32c,
            size,
            offsets: file.offsets,
          },
          (info) => this.existingOffsets(info),
          distrusted,
        );
      },
      {
        numOfAttempts: this.attempts,
        startingDelay: this.initialDelayMs,
        maxDelay: this.maxDelayMs,
        jitter: 'full',
        retry: (error, attempt) => {
          if (signal?.aborted) return false;
          if (error instanceof UploadIntegrityError) distrusted.add(error.objectName);
          this.options.onRetry?.(error, file, attempt);
          return true;
        },
      },
    );
    await rm(file.localPath, { force: true });
    return { file, placement, durationMs: performance.now() - started, attempts };
  }

  /** Offsets of an object already in the store: from its metadata, else from its footer. */
  private async existingOffsets(info: ObjectInfo): Promise<OffsetRuns | undefined> {
    const fromMetadata = readAccount(info.metadata);
    if (fromMetadata && !(fromMetadata instanceof Error)) return fromMetadata.offsets;
    try {
      const account = readAccount(parseFooter(await this.options.store.get(info.name)).keyValueMetadata);
      return account && !(account instanceof Error) ? account.offsets : undefined;
    } catch {
      return undefined;
    }
  }
}
