import { Readable } from 'node:stream';
import type { ObjectInfo, ObjectStore } from '@eventpath/storage';
import { backOff } from 'exponential-backoff';
import { accountMetadata, objectMetadataFor, readAccount } from '../files/archive-file-metadata';
import { deadLetterObjectName } from '../naming/object-names';
import type { OffsetRuns } from '../offsets/offset-runs';
import { crc32cOf } from '../upload/crc32c-of-file';
import { placeObject } from '../upload/object-placement';
import type { DeadLetterBatch } from './dead-letter';
import { offsetsOfDeadLetterLines, parseDeadLetterLines, reasonCounts, toDeadLetterLines } from './dead-letter-lines';
import type { DeadLetterWriter } from './dead-letter-writer';

export const DEAD_LETTER_CONTENT_TYPE = 'application/x-ndjson';
export const DEAD_LETTER_REASONS_KEY = 'eventpath.archive.dead_letter_reasons';

/**
 * Dead letters as JSON-lines objects under `_errors/<topic>/partition=<p>/`
 * in the archive's store, one per Kafka partition and batch, named by first
 * offset and placed like Parquet files (never replacing more by less). Their
 * custom metadata carries the same accounting keys as the Parquet files, so
 * the audit counts dead-lettered offsets as accounted for.
 */
export class StoreDeadLetterWriter implements DeadLetterWriter {
  readonly destination: string;

  constructor(
    private readonly store: ObjectStore,
    private readonly retry: { attempts?: number; initialDelayMs?: number; maxDelayMs?: number } = {},
  ) {
    this.destination = `${store.url.replace(/\/$/, '')}/_errors/`;
  }

  async write(batch: DeadLetterBatch, signal?: AbortSignal): Promise<void> {
    const content = Buffer.from(toDeadLetterLines(batch.records), 'utf8');
    const metadata = objectMetadataFor({
      ...accountMetadata({ kind: 'dead-letters', topic: batch.topic, partition: batch.partition, offsets: batch.offsets }),
      [DEAD_LETTER_REASONS_KEY]: reasonCounts(batch.records),
    });
    const first = batch.offsets.first as number;
    const last = batch.offsets.last as number;
    const crc32c = crc32cOf(content);
    await backOff(
      () =>
        placeObject(
          this.store,
          deadLetterObjectName({ topic: batch.topic, partition: batch.partition, firstOffset: first }),
          deadLetterObjectName({ topic: batch.topic, partition: batch.partition, firstOffset: first, lastOffset: last }),
          {
            put: (name, options) => this.store.putStream(Readable.from([content]), name, { ...options, contentType: DEAD_LETTER_CONTENT_TYPE, metadata }),
            crc32c,
            size: content.length,
            offsets: batch.offsets,
          },
          (info) => this.existingOffsets(info),
        ),
      {
        numOfAttempts: this.retry.attempts ?? 5,
        startingDelay: this.retry.initialDelayMs ?? 1000,
        maxDelay: this.retry.maxDelayMs ?? 30_000,
        jitter: 'full',
        retry: () => !signal?.aborted,
      },
    );
  }

  async close(): Promise<void> {}

  private async existingOffsets(info: ObjectInfo): Promise<OffsetRuns | undefined> {
    const account = readAccount(info.metadata);
    if (account && !(account instanceof Error)) return account.offsets;
    try {
      return offsetsOfDeadLetterLines(parseDeadLetterLines((await this.store.get(info.name)).toString('utf8')));
    } catch {
      return undefined;
    }
  }
}
