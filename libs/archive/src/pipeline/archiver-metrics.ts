import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { DeadLetterReason } from '../dead-letters/dead-letter';

/** Live values the gauges read at scrape time. */
export interface ArchiverGaugeSources {
  openFiles(): number;
  openFileBytes(): number;
  memoryInUse(): number;
  memoryBudget(): number;
  pendingRecords(): number;
  /** Per partition: records consumed and not yet committed (marked done). */
  commitLag(): Array<{ topic: string; partition: number; records: number }>;
  /** Per partition: high watermark minus the next offset to consume, at the last batch. */
  consumerLag(): Array<{ topic: string; partition: number; records: number }>;
}

/**
 * The archiver's own metrics (the pipeline's per-stage rates and queue depths
 * come from libs/queues' pipeline metrics on the same registry).
 */
export class ArchiverMetrics {
  readonly consumed: Counter<'topic'>;
  readonly written: Counter<'topic'>;
  readonly deadLettered: Counter<'topic' | 'reason'>;
  readonly late: Counter<'topic' | 'disposition'>;
  readonly filesFinalized: Counter<'topic' | 'reason'>;
  readonly filesDiscarded: Counter<'topic'>;
  readonly uploads: Counter<'kind' | 'outcome'>;
  readonly uploadFailures: Counter<'kind'>;
  readonly uploadSeconds: Histogram<'kind'>;
  readonly uploadedBytes: Counter<'kind'>;
  readonly committedRecords: Counter<'topic'>;
  readonly staleItems: Counter<'stage'>;

  constructor(registry: Registry, sources: ArchiverGaugeSources) {
    const registers = [registry];
    this.consumed = new Counter({ name: 'eventpath_archiver_records_consumed_total', help: 'Records handed to the archiver by the consumer', labelNames: ['topic'], registers });
    this.written = new Counter({ name: 'eventpath_archiver_records_written_total', help: 'Records written to Parquet files', labelNames: ['topic'], registers });
    this.deadLettered = new Counter({
      name: 'eventpath_archiver_records_dead_lettered_total',
      help: 'Records sent to the dead-letter place, by reason',
      labelNames: ['topic', 'reason'],
      registers,
    });
    this.late = new Counter({
      name: 'eventpath_archiver_late_records_total',
      help: 'Records later than their window end: within_grace, beyond_grace_written, beyond_grace_dead_lettered',
      labelNames: ['topic', 'disposition'],
      registers,
    });
    this.filesFinalized = new Counter({
      name: 'eventpath_archiver_files_finalized_total',
      help: 'Parquet files finalized, by reason: window, size, memory, open-files, idle, max-age, schema, stop',
      labelNames: ['topic', 'reason'],
      registers,
    });
    this.filesDiscarded = new Counter({
      name: 'eventpath_archiver_files_discarded_total',
      help: 'Open files discarded because their partition was revoked',
      labelNames: ['topic'],
      registers,
    });
    this.uploads = new Counter({
      name: 'eventpath_archiver_uploads_total',
      help: 'Objects stored, by kind (parquet, dead-letters) and outcome (stored, identical, kept-superset, replaced-subset, stored-beside, kafka)',
      labelNames: ['kind', 'outcome'],
      registers,
    });
    this.uploadFailures = new Counter({
      name: 'eventpath_archiver_upload_failures_total',
      help: 'Failed upload attempts (each is retried with backoff)',
      labelNames: ['kind'],
      registers,
    });
    this.uploadSeconds = new Histogram({
      name: 'eventpath_archiver_upload_duration_seconds',
      help: 'Time to store one object, retries included',
      labelNames: ['kind'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    });
    this.uploadedBytes = new Counter({ name: 'eventpath_archiver_uploaded_bytes_total', help: 'Bytes of objects stored', labelNames: ['kind'], registers });
    this.committedRecords = new Counter({
      name: 'eventpath_archiver_records_committed_total',
      help: 'Records marked done after their file or dead letter was stored',
      labelNames: ['topic'],
      registers,
    });
    this.staleItems = new Counter({
      name: 'eventpath_archiver_stale_items_total',
      help: 'Batches and files dropped at a stage because their partition was revoked meanwhile',
      labelNames: ['stage'],
      registers,
    });
    new Gauge({ name: 'eventpath_archiver_open_files', help: 'Parquet files open', registers, collect() { this.set(sources.openFiles()); } });
    new Gauge({ name: 'eventpath_archiver_open_file_bytes', help: 'Estimated size of the open files', registers, collect() { this.set(sources.openFileBytes()); } });
    new Gauge({
      name: 'eventpath_archiver_memory_estimate_bytes',
      help: "The memory model's estimate of buffered data (open files, uncommitted records)",
      registers,
      collect() {
        this.set(sources.memoryInUse());
      },
    });
    new Gauge({ name: 'eventpath_archiver_memory_budget_bytes', help: 'The configured memory budget', registers, collect() { this.set(sources.memoryBudget()); } });
    new Gauge({
      name: 'eventpath_archiver_pending_records',
      help: 'Records in finalized files or dead-letter batches not committed yet',
      registers,
      collect() {
        this.set(sources.pendingRecords());
      },
    });
    new Gauge({
      name: 'eventpath_archiver_commit_lag_records',
      help: 'Records consumed and not yet committed (not yet in a stored file), per partition',
      labelNames: ['topic', 'partition'],
      registers,
      collect() {
        this.reset();
        for (const { topic, partition, records } of sources.commitLag()) this.set({ topic, partition: String(partition) }, records);
      },
    });
    new Gauge({
      name: 'eventpath_archiver_consumer_lag_records',
      help: 'Records in Kafka not yet consumed (high watermark minus position at the last batch), per partition',
      labelNames: ['topic', 'partition'],
      registers,
      collect() {
        this.reset();
        for (const { topic, partition, records } of sources.consumerLag()) this.set({ topic, partition: String(partition) }, records);
      },
    });
  }

  recordDeadLetters(topic: string, counts: Partial<Record<DeadLetterReason, number>>): void {
    for (const [reason, count] of Object.entries(counts)) if (count) this.deadLettered.inc({ topic, reason }, count);
  }
}
