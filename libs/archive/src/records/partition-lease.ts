/**
 * The right to mark one Kafka partition's offsets done, for one assignment of
 * it to this member. A rebalance ends every lease: files holding records of
 * an ended lease are discarded (their offsets were never committed, so the
 * partition's next owner reads them again), and marks through it are ignored.
 */
export interface PartitionLease {
  readonly topic: string;
  readonly partition: number;
  /** Which assignment of the consumer it belongs to; grows with every rebalance. */
  readonly epoch: number;
  /** Identifies the consumer (a process may run one per consumer group). */
  readonly consumerId: number;
  /** Whether the assignment it belongs to is still the consumer's current one. */
  isCurrent(): boolean;
  /** Marks one delivered offset done (AtLeastOnceConsumer.markDone of the batch). */
  markDone(offset: string): void;
}
