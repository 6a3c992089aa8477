import { rm } from 'node:fs/promises';
import type { Logger } from '@eventpath/runtime';
import { pipeline } from '@eventpath/queues';
import type { ObjectStore } from '@eventpath/storage';
import type { ConsumerConfig, Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { DeadLetterBatch } from '../dead-letters/dead-letter';
import type { DeadLetterWriter } from '../dead-letters/dead-letter-writer';
import { FileRoller } from '../files/file-roller';
import type { FinalizedArchiveFile } from '../files/finalized-archive-file';
import type { MemoryBudget } from '../files/memory-budget';
import { PartitionClocks } from '../files/partition-clocks';
import { PendingRecords } from '../files/pending-records';
import { ArchiveUploader, type UploadRetryOptions } from '../upload/archive-uploader';
import { ArchiverMetrics } from './archiver-metrics';
import { KafkaBatchSource, type ConsumerGroupPlan } from './kafka-batch-source';
import { PartitionProgress } from './partition-progress';
import { batchBytes, type ReadItem } from './read-item';
import { RecordConverter, type MessageTypeLookup } from './record-converter';
import { prepareWorkDirectory } from './work-directory';

/** What goes from convert to upload to commit. */
export type UploadItem = FinalizedArchiveFile | DeadLetterBatch;

export interface ArchivePipelineOptions {
  kafka: Kafka;
  groups: ConsumerGroupPlan[];
  /** The current version of a message type (SchemaRegistry.messageType). */
  lookup: MessageTypeLookup;
  /** Subscribes to schema updates (SchemaRegistry.onUpdate); open files of changed types are rolled at once. */
  onSchemaUpdate?: (listener: () => void) => () => void;
  store: ObjectStore;
  deadLetters: DeadLetterWriter;
  /** Local directory for open files; purged at start. */
  workDirectory: string;
  budget: MemoryBudget;
  maxOpenFiles: number;
  /** Uploads at once. Default 4. */
  uploadConcurrency?: number;
  /** Finalized files waiting for an uploader. Default 8. */
  uploadQueueCapacity?: number;
  /** Kafka batches waiting for the converter (also bounded by the budget's read-queue bytes). Default 64. */
  readQueueCapacity?: number;
  consumerConfig?: Omit<ConsumerConfig, 'groupId'>;
  fromBeginning?: boolean;
  commitIntervalMs?: number;
  tickIntervalMs?: number;
  uploadRetry?: UploadRetryOptions;
  /** Metrics registry; the pipeline's and the archiver's metrics are registered in it. */
  registry?: Registry;
  logger: Logger;
  now?: () => number;
}

export interface ArchivePipeline {
  /** Resolves after `stop()`; rejects with the first fatal error (the app then exits non-zero). */
  readonly done: Promise<void>;
  readonly roller: FileRoller;
  readonly pending: PendingRecords;
  /** Every consumer group has had its first assignment. */
  ready(): boolean;
  /**
   * Stops: consumers commit what is done and leave their groups, open files
   * are discarded (their records were never committed). Not needed for
   * correctness: a kill -9 loses nothing either.
   */
  stop(): Promise<void>;
}

class StopRequested extends Error {}

/**
 * Sakaar's four stages on libs/queues' pipeline, joined by bounded queues:
 *
 *   read (Kafka batches) → convert (decode, route, append rows; finalize due files)
 *     → upload (store, integrity-checked) → commit (mark offsets done)
 *
 * A stage that cannot keep up fills the queue before it and the stages
 * before it wait, down to the consumer, which then stops fetching. Offsets
 * are marked done only after their file (or dead-letter batch) is stored,
 * and AtLeastOnceConsumer commits per partition only the offsets below the
 * first one not done. Stateless: the working directory is purged at start.
 */
export async function startArchivePipeline(options: ArchivePipelineOptions): Promise<ArchivePipeline> {
  const { logger, budget } = options;
  const now = options.now ?? Date.now;
  await prepareWorkDirectory(options.workDirectory);

  const pending = new PendingRecords();
  const clocks = new PartitionClocks();
  const progress = new PartitionProgress();
  let metrics: ArchiverMetrics | undefined;
  const roller = new FileRoller({
    directory: options.workDirectory,
    budget,
    maxOpenFiles: options.maxOpenFiles,
    pending,
    clocks,
    onFileEvent: (event) => {
      if (event.type === 'finalized') {
        metrics?.filesFinalized.inc({ topic: event.file.topic, reason: event.file.reason });
        logger.debug({ object: event.file.objectName, rows: event.file.rows, bytes: event.file.bytes, reason: event.file.reason }, 'file finalized');
      } else if (event.type === 'discarded') {
        metrics?.filesDiscarded.inc({ topic: event.file.topic });
      }
    },
  });
  const source = new KafkaBatchSource({
    kafka: options.kafka,
    groups: options.groups,
    consumerConfig: options.consumerConfig,
    fromBeginning: options.fromBeginning,
    commitIntervalMs: options.commitIntervalMs,
    tickIntervalMs: options.tickIntervalMs,
    logger,
    onBatch: (lease, batch) => {
      metrics?.consumed.inc({ topic: lease.topic }, batch.messages.length);
      const last = batch.messages[batch.messages.length - 1];
      progress.consumed(lease, batch.messages.length, Number(last?.offset ?? 0) + 1, Number(batch.highWatermark));
    },
  });
  if (options.registry) {
    metrics = new ArchiverMetrics(options.registry, {
      openFiles: () => roller.openFileCount,
      openFileBytes: () => roller.openFileBytes(),
      memoryInUse: () => roller.memoryInUse(),
      memoryBudget: () => budget.budgetBytes,
      pendingRecords: () => pending.count,
      commitLag: () => progress.commitLag(),
      consumerLag: () => progress.consumerLag(),
    });
  }
  const converter = new RecordConverter(roller, clocks, options.lookup, now);
  const uploader = new ArchiveUploader({
    store: options.store,
    retry: options.uploadRetry,
    onRetry: (error, file, attempt) => {
      metrics?.uploadFailures.inc({ kind: 'parquet' });
      logger.warn({ err: error, object: file.objectName, attempt }, 'upload failed; retrying');
    },
  });

  let seenEpochs = source.epochs();
  const noticeRebalances = async () => {
    const epochs = source.epochs();
    if (epochs.every((epoch, i) => epoch === seenEpochs[i])) return;
    epochs.forEach((epoch, consumerId) => {
      if (epoch !== seenEpochs[consumerId]) clocks.resetConsumer(consumerId);
    });
    seenEpochs = epochs;
    progress.dropEnded((consumerId, epoch) => source.isCurrent(consumerId, epoch));
    const discarded = await roller.discardRevoked();
    if (discarded > 0) logger.info({ discarded }, 'discarded the open files of revoked partitions');
  };
  const isOutdated = (file: { fingerprint: string; settings: { messageType: string } }) => {
    try {
      return options.lookup(file.settings.messageType).fingerprint !== file.fingerprint;
    } catch {
      return false;
    }
  };
  const rollOutdated = new Set<string>();
  const unsubscribe = options.onSchemaUpdate?.(() => {
    for (const group of options.groups) for (const topic of group.topics) rollOutdated.add(topic.topic);
  });

  const run = pipeline({ name: 'archiver', registry: options.registry })
    .source<ReadItem>('read', (emit, signal) => source.run(emit, signal))
    .stage<UploadItem>(
      'convert',
      { concurrency: 1, capacity: options.readQueueCapacity ?? 64, maxBytes: budget.readQueueBytes, sizeOf: batchBytes },
      async (item, emit) => {
        await noticeRebalances();
        if (item.kind === 'tick') {
          source.tickTaken();
        } else if (!item.lease.isCurrent()) {
          metrics?.staleItems.inc({ stage: 'convert' });
        } else {
          const result = await converter.convert(item);
          const topic = item.lease.topic;
          metrics?.written.inc({ topic }, result.counts.written);
          metrics?.recordDeadLetters(topic, result.counts.deadLettered);
          if (result.counts.lateWithinGrace) metrics?.late.inc({ topic, disposition: 'within_grace' }, result.counts.lateWithinGrace);
          if (result.counts.lateBeyondGrace) {
            const disposition = item.settings.lateEvents === 'dead-letter' ? 'beyond_grace_dead_lettered' : 'beyond_grace_written';
            metrics?.late.inc({ topic, disposition }, result.counts.lateBeyondGrace);
          }
          if (result.deadLetters) {
            pending.add(result.deadLetters.offsets.count);
            await emit(result.deadLetters);
          }
          for (const file of result.finalized) await emit(file);
        }
        const roll = rollOutdated.size > 0;
        rollOutdated.clear();
        const due = await roller.closeDue(now(), roll ? isOutdated : undefined);
        for (const file of due) await emit(file);
      },
    )
    .stage<UploadItem>('upload', { concurrency: options.uploadConcurrency ?? 4, capacity: options.uploadQueueCapacity ?? 8 }, async (item, emit, signal) => {
      if (!item.lease.isCurrent()) {
        // Revoked meanwhile: its records are read again by the partition's next owner.
        metrics?.staleItems.inc({ stage: 'upload' });
        pending.release(item.offsets.count);
        if (item.kind === 'parquet') await rm(item.localPath, { force: true });
        return;
      }
      const end = metrics?.uploadSeconds.startTimer({ kind: item.kind });
      if (item.kind === 'parquet') {
        const report = await uploader.upload(item, signal);
        metrics?.uploads.inc({ kind: 'parquet', outcome: report.placement.outcome });
        metrics?.uploadedBytes.inc({ kind: 'parquet' }, item.bytes);
        logger.debug({ object: report.placement.name, outcome: report.placement.outcome, ms: Math.round(report.durationMs) }, 'file stored');
      } else {
        await options.deadLetters.write(item, signal);
        metrics?.uploads.inc({ kind: 'dead-letters', outcome: 'stored' });
        logger.warn({ topic: item.topic, partition: item.partition, records: item.records.length, destination: options.deadLetters.destination }, 'records dead-lettered');
      }
      end?.();
      await emit(item);
    })
    .sink('commit', { concurrency: 1, capacity: (options.uploadQueueCapacity ?? 8) * 2 }, async (item) => {
      pending.release(item.offsets.count);
      if (!item.lease.isCurrent()) {
        metrics?.staleItems.inc({ stage: 'commit' });
        return;
      }
      for (const offset of item.offsets.offsets()) item.lease.markDone(String(offset));
      progress.done(item.lease, item.offsets.count);
      metrics?.committedRecords.inc({ topic: item.topic }, item.offsets.count);
    });

  const controller = new AbortController();
  const done = run.run(controller.signal).catch((error: unknown) => {
    if (error instanceof StopRequested) return;
    throw error;
  });
  // Whoever stops or fails first, the consumers and files are released.
  const released = done
    .catch(() => undefined)
    .then(async () => {
      unsubscribe?.();
      await source.stop();
      await roller.discardAll().catch(() => undefined);
      await options.deadLetters.close().catch(() => undefined);
    });
  released.catch(() => undefined);
  return {
    done,
    roller,
    pending,
    ready: () => source.joined,
    stop: async () => {
      controller.abort(new StopRequested('stop requested'));
      await released;
    },
  };
}
