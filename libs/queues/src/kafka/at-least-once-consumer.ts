import type { Consumer, ConsumerConfig, Kafka, KafkaMessage } from 'kafkajs';
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
  /** Tells the group this member is alive during long processing. */
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
  /** After every rebalance, with the member's new assignment. */
  onPartitionsAssigned?: (assignment: TopicPartitions[]) => void | Promise<void>;
  /**
   * Before the new assignment is announced, with the whole previous one,
   * and on `stop`. kafkajs rebalances eagerly and every partition restarts
   * from its committed offset, so all work in flight is redelivered: drop
   * per-partition state here.
   */
  onPartitionsRevoked?: (assignment: TopicPartitions[]) => void | Promise<void>;
  /** Commit failures (retried at the next interval) and hook errors. */
  onError?: (error: unknown) => void;
}

/**
 * A kafkajs consumer for at-least-once processing: offsets are committed
 * only for messages the handler marked done, up to the first one that is
 * not, per partition. A crash (even SIGKILL) therefore redelivers from the
 * oldest unfinished message; nothing is skipped, some messages may be
 * processed twice.
 *
 * `closed` settles when the consumer ends: it resolves after `stop()` and
 * rejects when kafkajs gave up after a crash it does not restart from, so an
 * app can exit non-zero instead of idling.
 */
export class AtLeastOnceConsumer {
  readonly closed: Promise<void>;
  private readonly consumer: Consumer;
  private readonly tracker = new OffsetTracker();
  private generation = 0;
  private assignment: TopicPartitions[] = [];
  private commitTimer?: NodeJS.Timeout;
  private committing: Promise<void> = Promise.resolve();
  private settleClosed!: { resolve: () => void; reject: (error: unknown) => void };
  private hooks: Promise<void> = Promise.resolve();

  constructor(
    kafka: Kafka,
    private readonly options: AtLeastOnceConsumerOptions,
    private readonly handler: BatchHandler,
  ) {
    this.consumer = kafka.consumer({ ...options.consumerConfig, groupId: options.groupId });
    this.closed = new Promise<void>((resolve, reject) => (this.settleClosed = { resolve, reject }));
    // Callers that only use stop() need not observe `closed`.
    this.closed.catch(() => undefined);
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => this.onGroupJoin(payload.memberAssignment));
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      if (payload.restart) return;
      clearInterval(this.commitTimer);
      this.settleClosed.reject(toKafkaOperationError(payload.error, `consumer group ${options.groupId}`));
    });
  }

  /** Joins the group and starts handing batches to the handler. */
  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.options.topics, fromBeginning: this.options.fromBeginning ?? false });
    await this.consumer.run({
      autoCommit: false,
      // kafkajs moves its fetch position past each handled batch; what is
      // committed is decided here, from the marks.
      eachBatchAutoResolve: true,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: async ({ batch, heartbeat }) => {
        if (batch.messages.length === 0) return;
        const generation = this.generation;
        const { topic, partition } = batch;
        this.tracker.track(topic, partition, batch.messages.map((m) => m.offset));
        await this.handler({
          topic,
          partition,
          messages: batch.messages,
          highWatermark: batch.highWatermark,
          markDone: (offset) => {
            if (generation === this.generation) this.tracker.markDone(topic, partition, offset);
          },
          heartbeat,
        });
      },
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

  /** Commits what is committable now, without waiting for the interval. */
  commit(): Promise<void> {
    this.committing = this.committing.then(() => this.commitOnce());
    return this.committing;
  }

  /** Commits what is done, leaves the group and disconnects. Work not marked done is redelivered to the next member. */
  async stop(): Promise<void> {
    clearInterval(this.commitTimer);
    await this.commit();
    await this.consumer.disconnect();
    await this.hooks;
    const revoked = this.assignment;
    this.assignment = [];
    await this.runHook(() => this.options.onPartitionsRevoked?.(revoked));
    this.settleClosed.resolve();
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
      this.options.onError?.(toKafkaOperationError(error, `committing ${describe(offsets)}`));
    }
  }

  private onGroupJoin(memberAssignment: Record<string, number[]>): void {
    const revoked = this.assignment;
    this.assignment = Object.entries(memberAssignment).map(([topic, partitions]) => ({ topic, partitions: [...partitions].sort((a, b) => a - b) }));
    // kafkajs fetches every partition from its committed offset after a rebalance.
    this.generation += 1;
    this.tracker.clear();
    const assigned = this.assignment;
    this.hooks = this.hooks
      .then(() => (revoked.length > 0 ? this.runHook(() => this.options.onPartitionsRevoked?.(revoked)) : undefined))
      .then(() => this.runHook(() => this.options.onPartitionsAssigned?.(assigned)));
  }

  private async runHook(hook: () => void | Promise<void>): Promise<void> {
    try {
      await hook();
    } catch (error) {
      this.options.onError?.(error);
    }
  }
}

function describe(offsets: CommitOffset[]): string {
  return offsets.map((o) => `${o.topic}/${o.partition}@${o.offset}`).join(', ');
}
