import type { Logger } from '@eventpath/runtime';
import { AtLeastOnceConsumer, type ConsumedBatch, type Emit } from '@eventpath/queues';
import type { ConsumerConfig, Kafka } from 'kafkajs';
import type { TopicArchiveSettings } from '../files/topic-archive-settings';
import type { PartitionLease } from '../records/partition-lease';
import type { ReadItem } from './read-item';

/** One consumer group and the topics it archives. */
export interface ConsumerGroupPlan {
  groupId: string;
  topics: TopicArchiveSettings[];
}

export interface KafkaBatchSourceOptions {
  kafka: Kafka;
  groups: ConsumerGroupPlan[];
  /** kafkajs consumer settings (sessionTimeout, heartbeatInterval, maxBytesPerPartition, maxBytes, maxWaitTimeInMs ...). */
  consumerConfig?: Omit<ConsumerConfig, 'groupId'>;
  /** Where a group without committed offsets starts. Default: the oldest record (an archive wants everything). */
  fromBeginning?: boolean;
  /** How often marked offsets are committed. Default 1000 ms. */
  commitIntervalMs?: number;
  /** How often a tick goes down the pipeline when idle. Default 1000 ms. */
  tickIntervalMs?: number;
  logger: Logger;
  /** Each batch as it is handed over. */
  onBatch?: (lease: PartitionLease, batch: ConsumedBatch) => void;
  /** After each rebalance of a group. */
  onAssignment?: (groupId: string, assignment: Array<{ topic: string; partitions: number[] }>) => void;
}

interface ConsumerState {
  readonly id: number;
  readonly plan: ConsumerGroupPlan;
  readonly settings: Map<string, TopicArchiveSettings>;
  epoch: number;
  assigned: boolean;
  consumer?: AtLeastOnceConsumer;
}

/**
 * The read stage: one AtLeastOnceConsumer per consumer group, each batch
 * handed down the pipeline with a lease of its partition. Backpressure: the
 * handler waits until the converter's queue takes the batch, and kafkajs does
 * not fetch again from that broker meanwhile, so a slow converter or uploader
 * pauses fetching; while it waits the handler heartbeats, so the member stays
 * in its group. A rebalance ends every lease (kafkajs rebalances eagerly and
 * restarts each partition from its committed offset).
 */
export class KafkaBatchSource {
  private readonly consumers: ConsumerState[];
  private tickPending = false;

  constructor(private readonly options: KafkaBatchSourceOptions) {
    this.consumers = options.groups.map((plan, id) => ({
      id,
      plan,
      settings: new Map(plan.topics.map((t) => [t.topic, t])),
      epoch: 0,
      assigned: false,
    }));
  }

  /** Whether the lease `epoch` of consumer `consumerId` is still its current assignment. */
  isCurrent(consumerId: number, epoch: number): boolean {
    return this.consumers[consumerId]?.epoch === epoch;
  }

  /** The current epoch of each consumer, to notice rebalances. */
  epochs(): number[] {
    return this.consumers.map((c) => c.epoch);
  }

  /** Every group has had its first assignment. */
  get joined(): boolean {
    return this.consumers.every((c) => c.assigned);
  }

  /** Called by the converter when it took a tick. */
  tickTaken(): void {
    this.tickPending = false;
  }

  /** The pipeline's source: runs until `signal` aborts or a consumer fails for good. */
  async run(emit: Emit<ReadItem>, signal: AbortSignal): Promise<void> {
    const failed = new Promise<never>((_, reject) => {
      for (const state of this.consumers) {
        state.consumer = this.createConsumer(state, emit, signal);
        state.consumer.closed.catch(reject);
      }
    });
    failed.catch(() => undefined);
    const timer = setInterval(() => {
      if (this.tickPending || signal.aborted) return;
      this.tickPending = true;
      emit({ kind: 'tick' }).catch(() => undefined);
    }, this.options.tickIntervalMs ?? 1000);
    try {
      for (const state of this.consumers) await Promise.race([state.consumer!.start(), failed]);
      const aborted = new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        else signal.addEventListener('abort', () => resolve(), { once: true });
      });
      await Promise.race([aborted, failed]);
    } finally {
      clearInterval(timer);
    }
  }

  /** Commits what is done and leaves the groups. */
  async stop(): Promise<void> {
    await Promise.all(this.consumers.map((state) => state.consumer?.stop().catch((error: unknown) => this.options.logger.warn({ err: error }, 'consumer stop failed'))));
  }

  private createConsumer(state: ConsumerState, emit: Emit<ReadItem>, signal: AbortSignal): AtLeastOnceConsumer {
    const { logger } = this.options;
    const heartbeatMs = Math.max(100, this.options.consumerConfig?.heartbeatInterval ?? 3000);
    const nextEpoch = () => {
      // Synchronous, first thing in the hook: every batch handed over after a
      // rebalance gets a lease of the new assignment.
      state.epoch += 1;
    };
    return new AtLeastOnceConsumer(
      this.options.kafka,
      {
        groupId: state.plan.groupId,
        topics: state.plan.topics.map((t) => t.topic),
        fromBeginning: this.options.fromBeginning ?? true,
        commitIntervalMs: this.options.commitIntervalMs ?? 1000,
        consumerConfig: this.options.consumerConfig,
        onPartitionsRevoked: (assignment) => {
          nextEpoch();
          logger.info({ groupId: state.plan.groupId, revoked: assignment }, 'partitions revoked: their open files are discarded');
        },
        onPartitionsAssigned: (assignment) => {
          nextEpoch();
          state.assigned = true;
          logger.info({ groupId: state.plan.groupId, assigned: assignment }, 'partitions assigned');
          this.options.onAssignment?.(state.plan.groupId, assignment);
        },
        onError: (error) => logger.warn({ err: error, groupId: state.plan.groupId }, 'consumer error (retried)'),
      },
      async (batch) => {
        const settings = state.settings.get(batch.topic);
        if (!settings) return;
        const epoch = state.epoch;
        const lease: PartitionLease = {
          topic: batch.topic,
          partition: batch.partition,
          epoch,
          consumerId: state.id,
          isCurrent: () => state.epoch === epoch,
          markDone: batch.markDone,
        };
        this.options.onBatch?.(lease, batch);
        await this.handOver(emit({ kind: 'batch', lease, settings, messages: batch.messages, highWatermark: batch.highWatermark }), batch, heartbeatMs, signal);
      },
    );
  }

  /**
   * Waits for the converter's queue to take the batch, heartbeating meanwhile.
   * A heartbeat that fails (the group is rebalancing) is rethrown, so kafkajs
   * rejoins now; the batch still queued is dropped by the converter as stale.
   */
  private async handOver(put: Promise<void>, batch: ConsumedBatch, heartbeatMs: number, signal: AbortSignal): Promise<void> {
    let settled = false;
    const done = put.finally(() => (settled = true));
    done.catch(() => undefined);
    while (!settled && !signal.aborted) {
      let timer: NodeJS.Timeout | undefined;
      const beat = new Promise<void>((resolve) => (timer = setTimeout(resolve, heartbeatMs)));
      await Promise.race([done, beat]);
      clearTimeout(timer);
      if (!settled) await batch.heartbeat();
    }
    await done;
  }
}
