/** An offset to commit: the next offset the group should consume from a partition. */
export interface CommitOffset {
  topic: string;
  partition: number;
  offset: string;
}

interface PartitionState {
  topic: string;
  partition: number;
  /** Where counting began: the committed offset when the partition was taken on. */
  start: bigint;
  /** Offsets handed out, in delivery order; entries before `head` are done. */
  delivered: bigint[];
  head: number;
  outstanding: Set<bigint>;
  done: Set<bigint>;
  /** Next offset to consume once everything before it is done. */
  committable: bigint;
  /** The last offset reported as committed. */
  committed: bigint;
}

/**
 * Which offsets may be committed when messages finish out of order.
 *
 * A partition's count begins at its committed offset (`begin`): nothing is
 * committable until offsets from there on are done, so a first delivery
 * that starts above the committed offset cannot move the commit point past
 * the offsets in between. The commit point only moves past an offset once
 * that offset and every offset delivered before it are done: with 0, 1, 2,
 * 4, 5 done and 3 still in progress the group commits 3, so a crash
 * redelivers 3, 4 and 5, never skips 3. Contiguity is over delivered
 * offsets, not integers, so gaps in a partition (compaction, transaction
 * markers) do not stall it; the caller makes sure deliveries continue where
 * the previous ones ended.
 */
export class OffsetTracker {
  private readonly partitions = new Map<string, PartitionState>();

  /**
   * Starts counting `partition` at `offset` (its committed offset): offsets
   * below it count as committed already. Replaces whatever was tracked for
   * the partition.
   */
  begin(topic: string, partition: number, offsetText: string): void {
    const offset = BigInt(offsetText);
    this.partitions.set(key(topic, partition), {
      topic,
      partition,
      start: offset,
      delivered: [],
      head: 0,
      outstanding: new Set(),
      done: new Set(),
      committable: offset,
      committed: offset,
    });
  }

  /** Whether `begin` was called for the partition since the last `clear`. */
  has(topic: string, partition: number): boolean {
    return this.partitions.has(key(topic, partition));
  }

  /**
   * Records offsets handed out for processing, in delivery order. Offsets
   * below the start and offsets seen before (a batch kafkajs retries after a
   * handler error) are ignored. The partition must have begun.
   */
  track(topic: string, partition: number, offsets: string[]): void {
    const state = this.require(topic, partition);
    for (const text of offsets) {
      const offset = BigInt(text);
      const last = state.delivered[state.delivered.length - 1] ?? state.start - 1n;
      if (offset <= last) continue;
      state.delivered.push(offset);
      state.outstanding.add(offset);
    }
  }

  /** Marks one delivered offset done. Marking an offset already behind the commit point again is a no-op. */
  markDone(topic: string, partition: number, offsetText: string): void {
    const state = this.require(topic, partition);
    const offset = BigInt(offsetText);
    if (!state.outstanding.has(offset)) {
      if (offset < state.committable) return;
      throw new RangeError(`offset ${offsetText} of ${topic}/${partition} was not delivered, so it cannot be done`);
    }
    state.done.add(offset);
    while (state.head < state.delivered.length && state.done.has(state.delivered[state.head])) {
      const next = state.delivered[state.head];
      state.done.delete(next);
      state.outstanding.delete(next);
      state.committable = next + 1n;
      state.head += 1;
    }
    if (state.head > 1024 && state.head * 2 > state.delivered.length) {
      state.delivered = state.delivered.slice(state.head);
      state.head = 0;
    }
  }

  /** Commit points that moved since they were last reported as committed. */
  committable(): CommitOffset[] {
    const result: CommitOffset[] = [];
    for (const state of this.partitions.values()) {
      if (state.committable !== state.committed) {
        result.push({ topic: state.topic, partition: state.partition, offset: state.committable.toString() });
      }
    }
    return result;
  }

  /** Records that these commit points were committed, so `committable` stops reporting them. */
  committed(offsets: CommitOffset[]): void {
    for (const { topic, partition, offset } of offsets) {
      const state = this.partitions.get(key(topic, partition));
      if (state) state.committed = BigInt(offset);
    }
  }

  /** Forgets every partition: after a rebalance, each begins again at its committed offset. */
  clear(): void {
    this.partitions.clear();
  }

  private require(topic: string, partition: number): PartitionState {
    const state = this.partitions.get(key(topic, partition));
    if (!state) throw new RangeError(`${topic}/${partition} has not begun: call begin() with its committed offset first`);
    return state;
  }
}

function key(topic: string, partition: number): string {
  return `${topic}\0${partition}`;
}
