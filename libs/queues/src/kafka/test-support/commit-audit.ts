import type { Admin } from 'kafkajs';

/**
 * Offsets of one topic marked done so far, by any process, and per
 * partition the lowest offset not done yet (offsets counted from 0: the
 * topics these tests write have neither compaction nor transactions).
 */
export class DoneLedger {
  private readonly done = new Map<number, Set<bigint>>();
  private readonly lowest = new Map<number, bigint>();

  markDone(partition: number, offset: string): void {
    let set = this.done.get(partition);
    if (!set) this.done.set(partition, (set = new Set()));
    set.add(BigInt(offset));
    let low = this.lowest.get(partition) ?? 0n;
    while (set.has(low)) low += 1n;
    this.lowest.set(partition, low);
  }

  /** The lowest offset of `partition` not marked done yet. */
  lowestNotDone(partition: number): bigint {
    return this.lowest.get(partition) ?? 0n;
  }

  isDone(partition: number, offset: bigint): boolean {
    return this.done.get(partition)?.has(offset) ?? false;
  }
}

export interface CommitViolation {
  partition: number;
  committed: string;
  lowestNotDone: string;
  at: number;
}

/**
 * Polls a group's committed offsets and checks each against the ledger:
 * committed <= the lowest offset not done, continuously. A commit above it
 * is checked again after `settleMs` (the lines saying what was done may
 * still be in a pipe) and recorded as a violation if it still holds then.
 * Errors of the poll itself (a node down) are skipped: the next poll tries
 * again.
 */
export class CommitAudit {
  readonly violations: CommitViolation[] = [];
  polls = 0;
  /** The highest commit seen per partition. */
  readonly highest = new Map<number, bigint>();
  private timer?: NodeJS.Timeout;
  private polling?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly admin: Admin,
    private readonly groupId: string,
    private readonly topic: string,
    private readonly ledger: DoneLedger,
    private readonly options: { intervalMs?: number; settleMs?: number } = {},
  ) {}

  start(): void {
    const tick = () => {
      if (this.stopped) return;
      this.polling = this.pollOnce().then(() => undefined).finally(() => {
        if (!this.stopped) this.timer = setTimeout(tick, this.options.intervalMs ?? 100);
      });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.polling;
  }

  /** One poll: fetches the committed offsets and checks them. Resolves with them (partition -> offset). */
  async pollOnce(): Promise<Map<number, bigint> | undefined> {
    let committed: Map<number, bigint>;
    try {
      const [offsets] = await this.admin.fetchOffsets({ groupId: this.groupId, topics: [this.topic] });
      committed = new Map(offsets.partitions.map((p) => [p.partition, BigInt(p.offset)]));
    } catch {
      return undefined;
    }
    this.polls += 1;
    const suspicious: Array<[number, bigint]> = [];
    for (const [partition, offset] of committed) {
      if (offset > (this.highest.get(partition) ?? -1n)) this.highest.set(partition, offset);
      if (offset > this.ledger.lowestNotDone(partition)) suspicious.push([partition, offset]);
    }
    if (suspicious.length > 0) {
      await new Promise((resolve) => setTimeout(resolve, this.options.settleMs ?? 200));
      for (const [partition, offset] of suspicious) {
        const lowest = this.ledger.lowestNotDone(partition);
        if (offset > lowest) {
          this.violations.push({ partition, committed: offset.toString(), lowestNotDone: lowest.toString(), at: Date.now() });
        }
      }
    }
    return committed;
  }
}
