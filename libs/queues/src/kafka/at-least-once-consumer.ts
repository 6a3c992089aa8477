import type { Admin, Batch, Consumer, ConsumerConfig, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { registerCompressionCodecs } from './compression-codecs';
import { toKafkaOperationError } from './error-classification';
import { OffsetTracker, type CommitOffset } from './offset-tracker';

/** Partitions of one topic. */
export interface TopicPartitions {
  topic: string;
  partitions: number[];
}

/** One fetched batch of one partition. */
export interface ConsumedBatch {
  topic: string;
  partition: number;
  messages: KafkaMessage[];
  highWatermark: string;
  /**
   * Marks one message of this batch done; may be called after the handler
   * returned and in any order. Only the contiguous prefix of done offsets is
   * committed. Marks made after a rebalance are ignored: the group redelivers
   * from the committed offset instead.
   */
  markDone(offset: string): void;
  /**
   * Tells the group this member is alive. The consumer already does so
   * every `heartbeatInterval` while the handler runs; calling it is harmless.
   */
  heartbeat(): Promise<void>;
}

export type BatchHandler = (batch: ConsumedBatch) => Promise<void>;

export interface AtLeastOnceConsumerOptions {
  groupId: string;
  topics: string[];
  /** Where a group without a committed offset starts: the oldest message (true) or new ones only (default). */
  fromBeginning?: boolean;
  /** How often newly committable offsets are committed. Default 1000 ms. */
  commitIntervalMs?: number;
  /** Partitions whose batches are handled at once. Default 1. */
  partitionsConsumedConcurrently?: number;
  /** kafkajs consumer settings: sessionTimeout, heartbeatInterval, maxWaitTimeInMs, partitionAssigners, retry, ... */
  consumerConfig?: Omit<ConsumerConfig, 'groupId'>;
  /**
   * After every rebalance, with the member's new assignment. No batch of
   * the new assignment is handed to the handler before it (and the revoke
   * hook before it) finished.
   */
  onPartitionsAssigned?: (assignment: TopicPartitions[]) => void | Promise<void>;
  /**
   * Before the new assignment is announced, with the whole previous one,
   * and on `stop`. kafkajs rebalances eagerly and every partition restarts
   * from its committed offset, so all work in flight is redelivered: drop
   * per-partition state here.
   */
  onPartitionsRevoked?: (assignment: TopicPartitions[]) => void | Promise<void>;
  /**
   * Commit failures (retried at the next interval), hook errors, and
   * failures to read the committed offsets. An exception thrown by
   * `onError` itself is ignored: it cannot stop commits or hooks.
   */
  onError?: (error: unknown) => void;
}

/** Heartbeat period while a handler runs, when consumerConfig does not set one (kafkajs's default). */
const DEFAULT_HEARTBEAT_INTERVAL_MS = 3000;

/** kafkajs batches carry the offset they were fetched from; its typings do not say so. */
type FetchedBatch = Batch & { fetchedOffset?: string };

/** Where a partition's deliveries stand in the current generation. */
interface PartitionPosition {
  /**
   * The offset the next batch must be fetched from (or below): the
   * committed offset when the partition was taken on, then one past the
   * last batch handed over. A batch fetched from above it would skip
   * offsets this member never delivered.
   */
  next: bigint;
  /** A seek back to `next` was asked for and no batch from there has come yet. */
  seekPending: boolean;
}

/**
 * A kafkajs consumer for at-least-once processing: offsets are committed
 * only for messages the handler marked done, up to the first one that is
 * not, per partition. A crash (even SIGKILL) therefore redelivers from the
 * oldest unfinished message; nothing is skipped, some messages may be
 * processed twice.
 *
 * kafkajs alone does not make that hold: after a rejoin started from inside
 * one fetcher (a Fetch answered NOT_LEADER_FOR_PARTITION, a partition count
 * change) it hands over batches other fetchers fetched from the previous
 * generation's positions, and keeps fetching from there rather than from the
 * committed offsets. So each partition's count begins at its committed offset
 * (read once per partition and generation; a partition that has none is
 * anchored by committing the first position it is fetched from), and every
 * batch must continue where the deliveries of this generation stand: one
 * fetched from above is not handed over and the partition is sought back.
 *
 * `closed` settles when the consumer ends: it resolves after `stop()` and
 * rejects when kafkajs gave up after a crash it does not restart from, so an
 * app can exit non-zero instead of idling.
 */
export class AtLeastOnceConsumer {
  readonly closed: Promise<void>;
  private readonly consumer: Consumer;
  private readonly admin: Admin;
  private readonly tracker = new OffsetTracker();
  private generation = 0;
  private assignment: TopicPartitions[] = [];
  /** Per partition, for the current generation. */
  private positions = new Map<string, PartitionPosition>();
  /** Committed offsets per topic, read once per generation. */
  private committedReads = new Map<string, Promise<Map<number, bigint | undefined>>>();
  private commitTimer?: NodeJS.Timeout;
  private commitInFlight?: Promise<void>;
  private commitQueued?: Promise<void>;
  private settleClosed!: { resolve: () => void; reject: (error: unknown) => void };
  /** The revoke and assign hooks of the latest rebalance; batches wait for them. */
  private hooks: Promise<void> = Promise.resolve();

  constructor(
    kafka: Kafka,
    private readonly options: AtLeastOnceConsumerOptions,
    private readonly handler: BatchHandler,
  ) {
    registerCompressionCodecs();
    this.consumer = kafka.consumer({ ...options.consumerConfig, groupId: options.groupId });
    this.admin = kafka.admin();
    this.closed = new Promise<void>((resolve, reject) => (this.settleClosed = { resolve, reject }));
    // Callers that only use stop() need not observe `closed`.
    this.closed.catch(() => undefined);
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => this.onGroupJoin(payload.memberAssignment));
    this.consumer.on(this.consumer.events.START_BATCH_PROCESS, ({ payload }) => this.onBatchStart(payload));
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      if (payload.restart) return;
      clearInterval(this.commitTimer);
      void this.admin.disconnect().catch(() => undefined);
      this.settleClosed.reject(toKafkaOperationError(payload.error, `consumer group ${options.groupId}`));
    });
  }

  /** Joins the group and starts handing batches to the handler. */
  async start(): Promise<void> {
    try {
      await this.admin.connect();
      await this.consumer.connect();
      await this.consumer.subscribe({ topics: this.options.topics, fromBeginning: this.options.fromBeginning ?? false });
    } catch (error) {
      // Nothing may stay connected after a failed start.
      await Promise.allSettled([this.consumer.disconnect(), this.admin.disconnect()]);
      throw toKafkaOperationError(error, `starting consumer group ${this.options.groupId}`);
    }
    await this.consumer.run({
      autoCommit: false,
      // kafkajs moves its fetch position past each handled batch; what is
      // committed is decided here, from the marks.
      eachBatchAutoResolve: true,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.onBatch(payload),
    });
    this.commitTimer = setInterval(() => void this.commit(), this.options.commitIntervalMs ?? 1000);
    // kafkajs's connections keep a running consumer's process alive; the timer need not.
    this.commitTimer.unref();
  }

  /** Stops fetching from these partitions until `resume`; batches already handed out are unaffected. */
  pause(partitions: TopicPartitions[]): void {
    this.consumer.pause(partitions);
  }

  resume(partitions: TopicPartitions[]): void {
    this.consumer.resume(partitions);
  }

  /**
   * Commits what is committable now, without waiting for the interval.
   * Calls made while a commit is in flight share one commit after it, so
   * a slow coordinator never builds a queue of them. Never rejects:
   * failures go to `onError` and the next commit tries again.
   */
  commit(): Promise<void> {
    if (this.commitQueued) return this.commitQueued;
    if (!this.commitInFlight) return this.runCommit();
    const queued = this.commitInFlight.then(() => {
      this.commitQueued = undefined;
      return this.runCommit();
    });
    this.commitQueued = queued;
    return queued;
  }

  /** Commits what is done, leaves the group and disconnects. Work not marked done is redelivered to the next member. */
  async stop(): Promise<void> {
    clearInterval(this.commitTimer);
    await this.commit();
    await this.consumer.disconnect();
    await this.admin.disconnect();
    await this.hooks;
    const revoked = this.assignment;
    this.assignment = [];
    await this.runHook(() => this.options.onPartitionsRevoked?.(revoked));
    this.settleClosed.resolve();
  }

  private async onBatch({ batch, heartbeat }: EachBatchPayload): Promise<void> {
    const generation = this.generation;
    const { topic, partition } = batch;
    const fetched = fetchedOffset(batch);
    // Batches of a new assignment wait until its hooks have run (the member heartbeating meanwhile).
    await this.withHeartbeats(heartbeat, () => this.hooks);
    let position = generation === this.generation ? await this.positionFor(batch, fetched, generation) : undefined;
    if (position && fetched > position.next) position = await this.recheck(batch, fetched, position, generation);
    if (!position || generation !== this.generation) {
      // Not handed over: kafkajs must not move past it (the batch is checked again when it comes back).
      if (this.isAssigned(topic, partition)) this.seek(topic, partition, fetched);
      return;
    }
    if (fetched > position.next) {
      // kafkajs continued from a stale position: offsets from `next` on were
      // never delivered in this generation. Not handed over; fetched again from `next`.
      position.seekPending = true;
      this.seek(topic, partition, position.next);
      return;
    }
    position.seekPending = false;
    // Below `next`: committed already, or delivered in this generation and tracked.
    const messages = batch.messages.filter((m) => BigInt(m.offset) >= position.next);
    if (messages.length > 0) {
      this.tracker.track(topic, partition, messages.map((m) => m.offset));
      await this.withHeartbeats(heartbeat, () =>
        this.handler({
          topic,
          partition,
          messages,
          highWatermark: batch.highWatermark,
          markDone: (offset) => {
            if (generation === this.generation) this.tracker.markDone(topic, partition, offset);
          },
          heartbeat,
        }),
      );
    }
    // kafkajs resolves the batch's last offset (trailing control records included) next.
    const end = BigInt(batch.lastOffset()) + 1n;
    if (generation === this.generation && end > position.next) position.next = end;
  }

  /**
   * The partition's position in this generation, begun at its committed
   * offset the first time; undefined when that could not be established
   * (the batch is then not handed over, and the next one is checked again).
   */
  private async positionFor(batch: Batch, fetched: bigint, generation: number): Promise<PartitionPosition | undefined> {
    if (!this.isAssigned(batch.topic, batch.partition)) return undefined;
    const known = this.positions.get(partitionKey(batch.topic, batch.partition));
    if (known) return known;
    const committed = await this.readCommitted(batch.topic, batch.partition);
    if (committed === null || generation !== this.generation) return undefined;
    if (committed !== undefined) return this.begin(batch.topic, batch.partition, committed);
    // No committed offset: anchor the partition where kafkajs starts it, so
    // that a later generation has a committed point to check positions against.
    if (!(await this.anchor(batch.topic, batch.partition, fetched)) || generation !== this.generation) return undefined;
    return this.begin(batch.topic, batch.partition, fetched);
  }

  /**
   * A batch fetched from above `next`. Unless a seek back is pending
   * already, the committed offset is read again: when it moved above `next`
   * (kafkajs commits a reset after an offset out of range, which this
   * reads as none) everything below it is done or gone, and the partition
   * begins again there.
   */
  private async recheck(batch: Batch, fetched: bigint, position: PartitionPosition, generation: number): Promise<PartitionPosition | undefined> {
    if (position.seekPending) return position;
    this.committedReads.delete(batch.topic);
    const committed = await this.readCommitted(batch.topic, batch.partition);
    if (committed === null || generation !== this.generation) return position;
    if (committed !== undefined) return committed > position.next ? this.begin(batch.topic, batch.partition, committed) : position;
    if (!(await this.anchor(batch.topic, batch.partition, fetched)) || generation !== this.generation) return undefined;
    return this.begin(batch.topic, batch.partition, fetched);
  }

  /** The committed offset (undefined: none), or null when it could not be read (reported). */
  private async readCommitted(topic: string, partition: number): Promise<bigint | undefined | null> {
    try {
      return (await this.committedOffsets(topic)).get(partition);
    } catch (error) {
      this.committedReads.delete(topic);
      this.report(toKafkaOperationError(error, `reading the committed offsets of ${topic}`));
      return null;
    }
  }

  private begin(topic: string, partition: number, offset: bigint): PartitionPosition {
    const position: PartitionPosition = { next: offset, seekPending: false };
    this.positions.set(partitionKey(topic, partition), position);
    this.tracker.begin(topic, partition, offset.toString());
    return position;
  }

  private async anchor(topic: string, partition: number, offset: bigint): Promise<boolean> {
    try {
      await this.consumer.commitOffsets([{ topic, partition, offset: offset.toString() }]);
      return true;
    } catch (error) {
      this.report(toKafkaOperationError(error, `anchoring ${topic}/${partition}@${offset}`));
      return false;
    }
  }

  /**
   * kafkajs handles batches that hold no message for the handler (only
   * transaction markers or aborted records) without calling eachBatch;
   * one that continues this generation's deliveries moves the position past
   * it, so the next batch is not taken for a stale one.
   */
  private onBatchStart(payload: { topic: string; partition: number; batchSize: number; firstOffset: string | null; lastOffset: string }): void {
    if (payload.batchSize > 0) return;
    const position = this.positions.get(partitionKey(payload.topic, payload.partition));
    if (!position) return;
    const first = BigInt(payload.firstOffset ?? payload.lastOffset);
    const end = BigInt(payload.lastOffset) + 1n;
    if (first <= position.next && end > position.next) position.next = end;
  }

  private seek(topic: string, partition: number, offset: bigint): void {
    try {
      this.consumer.seek({ topic, partition, offset: offset.toString() });
    } catch (error) {
      // The consumer is restarting or stopping: it starts from the committed offsets then.
      this.report(toKafkaOperationError(error, `seeking ${topic}/${partition} to ${offset}`));
    }
  }

  private committedOffsets(topic: string): Promise<Map<number, bigint | undefined>> {
    let read = this.committedReads.get(topic);
    if (!read) {
      read = this.admin.fetchOffsets({ groupId: this.options.groupId, topics: [topic] }).then(([offsets]) => {
        const result = new Map<number, bigint | undefined>();
        for (const { partition, offset } of offsets?.partitions ?? []) {
          const value = BigInt(offset);
          result.set(partition, value >= 0n ? value : undefined);
        }
        return result;
      });
      this.committedReads.set(topic, read);
    }
    return read;
  }

  /**
   * Runs `run` while heartbeating: kafkajs heartbeats only between batches,
   * so a handler (or a hook) longer than the session timeout would get the
   * member evicted, its work redelivered elsewhere.
   */
  private async withHeartbeats(heartbeat: () => Promise<void>, run: () => Promise<void>): Promise<void> {
    // kafkajs sends a heartbeat only when `heartbeatInterval` has passed since the last one.
    const interval = this.options.consumerConfig?.heartbeatInterval ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
    const timer = setInterval(() => {
      // A failure (a rebalance started) is kafkajs's to act on after the handler returned.
      heartbeat().catch(() => undefined);
    }, Math.max(50, Math.floor(interval / 2)));
    try {
      await run();
    } finally {
      clearInterval(timer);
    }
  }

  private runCommit(): Promise<void> {
    const run = this.commitOnce().finally(() => {
      if (this.commitInFlight === run) this.commitInFlight = undefined;
    });
    this.commitInFlight = run;
    return run;
  }

  private async commitOnce(): Promise<void> {
    const generation = this.generation;
    const offsets = this.tracker.committable();
    if (offsets.length === 0) return;
    try {
      await this.consumer.commitOffsets(offsets);
      if (generation === this.generation) this.tracker.committed(offsets);
    } catch (error) {
      // Refused during a rebalance, or the coordinator is away: the next interval tries again.
      this.report(toKafkaOperationError(error, `committing ${describe(offsets)}`));
    }
  }

  private onGroupJoin(memberAssignment: Record<string, number[]>): void {
    const revoked = this.assignment;
    this.assignment = Object.entries(memberAssignment).map(([topic, partitions]) => ({ topic, partitions: [...partitions].sort((a, b) => a - b) }));
    // Every partition begins again at its committed offset.
    this.generation += 1;
    this.tracker.clear();
    this.positions = new Map();
    this.committedReads = new Map();
    const assigned = this.assignment;
    this.hooks = this.hooks
      .then(() => (revoked.length > 0 ? this.runHook(() => this.options.onPartitionsRevoked?.(revoked)) : undefined))
      .then(() => this.runHook(() => this.options.onPartitionsAssigned?.(assigned)));
  }

  private isAssigned(topic: string, partition: number): boolean {
    return this.assignment.some((a) => a.topic === topic && a.partitions.includes(partition));
  }

  private async runHook(hook: () => void | Promise<void>): Promise<void> {
    try {
      await hook();
    } catch (error) {
      this.report(error);
    }
  }

  private report(error: unknown): void {
    try {
      this.options.onError?.(error);
    } catch {
      // onError must not be able to stop commits or hooks.
    }
  }
}

/** The offset kafkajs fetched the batch from (its typings omit it). */
function fetchedOffset(batch: Batch): bigint {
  return BigInt((batch as FetchedBatch).fetchedOffset ?? batch.firstOffset() ?? batch.lastOffset());
}

function partitionKey(topic: string, partition: number): string {
  return `${topic}\0${partition}`;
}

function describe(offsets: CommitOffset[]): string {
  return offsets.map((o) => `${o.topic}/${o.partition}@${o.offset}`).join(', ');
}
