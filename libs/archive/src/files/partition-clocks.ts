import type { PartitionLease } from '../records/partition-lease';

/**
 * Event time per Kafka partition: the highest event time seen on it in the
 * current assignment (Kafka Streams' "stream time"). A window is over for a
 * partition when this passes the window's end plus the grace period, whatever
 * the wall clock says, so a backlog replayed hours later is cut into the same
 * hourly files as it would have been live.
 */
export class PartitionClocks {
  private readonly clocks = new Map<string, number>();

  /** The partition's event time; undefined before its first record. */
  of(lease: Pick<PartitionLease, 'consumerId' | 'topic' | 'partition'>): number | undefined {
    return this.clocks.get(key(lease));
  }

  advance(lease: Pick<PartitionLease, 'consumerId' | 'topic' | 'partition'>, eventTime: number): void {
    const k = key(lease);
    const current = this.clocks.get(k);
    if (current === undefined || eventTime > current) this.clocks.set(k, eventTime);
  }

  /** Forgets the partitions of a consumer (its assignment ended). */
  resetConsumer(consumerId: number): void {
    for (const k of [...this.clocks.keys()]) if (k.startsWith(`${consumerId}|`)) this.clocks.delete(k);
  }
}

function key(lease: Pick<PartitionLease, 'consumerId' | 'topic' | 'partition'>): string {
  return `${lease.consumerId}|${lease.topic}|${lease.partition}`;
}
