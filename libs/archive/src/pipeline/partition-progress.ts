import type { PartitionLease } from '../records/partition-lease';

interface Progress {
  topic: string;
  partition: number;
  epoch: number;
  consumed: number;
  done: number;
  consumerLag: number;
}

/**
 * Per Kafka partition and assignment: records handed to the archiver,
 * records marked done, and the consumer lag at the last batch. Commit lag is
 * the difference: what a kill would make the partition's next owner read
 * again. A new assignment starts the count afresh (the consumer forgets the
 * old marks too).
 */
export class PartitionProgress {
  private readonly partitions = new Map<string, Progress>();

  consumed(lease: PartitionLease, records: number, nextOffset: number, highWatermark: number): void {
    const progress = this.progressOf(lease);
    if (!progress) return;
    progress.consumed += records;
    progress.consumerLag = Math.max(0, highWatermark - nextOffset);
  }

  done(lease: PartitionLease, records: number): void {
    const progress = this.partitions.get(key(lease));
    if (progress && progress.epoch === lease.epoch) progress.done += records;
  }

  commitLag(): Array<{ topic: string; partition: number; records: number }> {
    return [...this.partitions.values()].map((p) => ({ topic: p.topic, partition: p.partition, records: Math.max(0, p.consumed - p.done) }));
  }

  consumerLag(): Array<{ topic: string; partition: number; records: number }> {
    return [...this.partitions.values()].map((p) => ({ topic: p.topic, partition: p.partition, records: p.consumerLag }));
  }

  /** Forgets partitions of assignments that ended. */
  dropEnded(isCurrent: (consumerId: number, epoch: number) => boolean): void {
    for (const [k, p] of this.partitions) if (!isCurrent(Number(k.split('|')[0]), p.epoch)) this.partitions.delete(k);
  }

  private progressOf(lease: PartitionLease): Progress | undefined {
    const k = key(lease);
    let progress = this.partitions.get(k);
    if (progress && progress.epoch > lease.epoch) return undefined;
    if (!progress || progress.epoch < lease.epoch) {
      progress = { topic: lease.topic, partition: lease.partition, epoch: lease.epoch, consumed: 0, done: 0, consumerLag: 0 };
      this.partitions.set(k, progress);
    }
    return progress;
  }
}

function key(lease: PartitionLease): string {
  return `${lease.consumerId}|${lease.topic}|${lease.partition}`;
}
