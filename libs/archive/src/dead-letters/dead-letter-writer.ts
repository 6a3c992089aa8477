import type { DeadLetterBatch } from './dead-letter';

/** Where dead-lettered records go: an `_errors/` prefix in the store, or a Kafka topic. */
export interface DeadLetterWriter {
  /** Human-readable destination, for logs and readiness. */
  readonly destination: string;
  /** Stores the batch durably; the offsets are marked done only after it resolves. */
  write(batch: DeadLetterBatch, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}
