import type { PartitionLease } from '../records/partition-lease';

/** A lease whose marks are recorded, and that a test can end. */
export interface TestLease extends PartitionLease {
  readonly marked: string[];
  end(): void;
}

export function testLease(topic: string, partition: number, consumerId = 0): TestLease {
  let current = true;
  const marked: string[] = [];
  return {
    topic,
    partition,
    consumerId,
    epoch: 1,
    marked,
    isCurrent: () => current,
    markDone: (offset) => void marked.push(offset),
    end: () => {
      current = false;
    },
  };
}
