import { setTimeout as sleep } from 'node:timers/promises';
import type { ConsumerConfig, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { AtLeastOnceConsumer, type ConsumedBatch, type TopicPartitions } from '@eventpath/queues';
import { TopicMapping } from '../topics/topic-mapping';
import type { DeadLetterSink, DeliveryTarget } from '../delivery/delivery-target';
import { PartitionRelay } from './partition-relay';
import type { Partitioning } from './partitioning';
import { relayMetrics, type RelayMetrics } from './relay-metrics';

export interface FrontingRelayOptions {
  /** Client of the fronting cluster, which the relay consumes. */
  kafka: Kafka;
  /** Consumer group of every worker instance: they share the partitions. */
  groupId: string;
  /** The mainstream cluster (a `KafkaTarget`). */
  target: DeliveryTarget;
  /** Where records the target refuses for good go. */
  deadLetters: DeadLetterSink;
  /** Mainstream topic names; each keeps its name by default. */
  mapping?: TopicMapping;
  /** Default `key`. */
  partitioning?: Partitioning;
  /** Most bytes of one send per partition. Default 512 KiB: half the producer's default batch bound, which also covers compression overhead. */
  maxSendBytes?: number;
  /** Fetching of a partition pauses while this many bytes of it are buffered. Default 4 MiB. */
  maxBufferedBytesPerPartition?: number;
  /** How often delivered offsets are committed. Default 1000 ms. */
  commitIntervalMs?: number;
  /** kafkajs consumer settings (sessionTimeout, heartbeatInterval, maxBytesPerPartition, ...). */
  consumerConfig?: Omit<ConsumerConfig, 'groupId'>;
  /** How long a resubscription or `stop` waits for buffered records to be delivered before committing. Default 5000 ms. */
  drainOnStopMs?: number;
  registry?: Registry;
  logger?: Logger;
}

/**
 * Fronting Kafka → mainstream Kafka, at least once. One consumer group
 * over the chosen fronting topics; each assigned partition gets a
 * {@link PartitionRelay}, which sends its records in order and marks them
 * done once the mainstream cluster acknowledged them (acks=-1), so the
 * committed offsets never pass a record that is not in the mainstream
 * cluster (or the dead-letter topic). Offsets live in the fronting cluster:
 * pointing the relay at another mainstream cluster loses and skips nothing.
 */
export class FrontingRelay {
  /** Rejects when the consumer stopped on an error kafkajs would not restart from; the process should then exit. */
  readonly closed: Promise<void>;
  private failClosed!: (error: unknown) => void;
  private settleClosed!: () => void;
  private consumer: AtLeastOnceConsumer | undefined;
  private readonly relays = new Map<string, PartitionRelay>();
  private subscribed: string[] = [];
  private assigned: TopicPartitions[] = [];
  private changing: Promise<void> = Promise.resolve();
  private readonly metrics?: RelayMetrics;
  private readonly mapping: TopicMapping;

  constructor(private readonly options: FrontingRelayOptions) {
    this.mapping = options.mapping ?? TopicMapping.identity();
    if (options.registry) this.metrics = relayMetrics(options.registry);
    this.closed = new Promise<void>((resolve, reject) => {
      this.settleClosed = resolve;
      this.failClosed = reject;
    });
    this.closed.catch(() => undefined);
  }

  /** The topics consumed now. */
  get topics(): string[] {
    return [...this.subscribed];
  }

  /** The partitions this worker holds since the last rebalance. */
  get assignment(): TopicPartitions[] {
    return this.assigned.map((a) => ({ topic: a.topic, partitions: [...a.partitions] }));
  }

  /** Partitions whose sends are being retried because the target fails. */
  get waitingPartitions(): number {
    let waiting = 0;
    for (const relay of this.relays.values()) if (relay.isWaitingForTarget) waiting += 1;
    return waiting;
  }

  /** Whether a consumer is running (it joined the group). */
  get running(): boolean {
    return this.consumer !== undefined && this.subscribed.length > 0;
  }

  /**
   * Consumes `topics` from now on. A different list makes the consumer
   * deliver what it buffered (up to `drainOnStopMs`), commit, leave the group
   * and join again with the new list. Rejects when the fronting cluster
   * cannot be reached; call again to retry.
   */
  subscribe(topics: string[]): Promise<void> {
    const next = this.changing.then(() => this.resubscribe(topics));
    this.changing = next.catch(() => undefined);
    return next;
  }

  /** Delivers what is buffered (up to `drainOnStopMs`), commits and leaves the group. */
  async stop(): Promise<void> {
    const stopping = this.changing.then(() => this.stopConsumer());
    this.changing = stopping.catch(() => undefined);
    await stopping;
    this.subscribed = [];
    this.settleClosed();
  }

  private async resubscribe(topics: string[]): Promise<void> {
    const sorted = [...new Set(topics)].sort();
    if (this.consumer && sameList(sorted, this.subscribed)) return;
    await this.stopConsumer();
    this.subscribed = [];
    if (sorted.length === 0) return;
    const { kafka, groupId, consumerConfig, commitIntervalMs, logger } = this.options;
    const consumer: AtLeastOnceConsumer = new AtLeastOnceConsumer(
      kafka,
      {
        groupId,
        topics: sorted,
        // A group (or a topic) without committed offsets starts at the oldest record: nothing in the fronting cluster is skipped.
        fromBeginning: true,
        commitIntervalMs: commitIntervalMs ?? 1000,
        consumerConfig,
        onPartitionsAssigned: (assignment) => this.onAssigned(consumer, assignment),
        onError: (error) => logger?.warn({ err: error }, 'fronting consumer: commit or hook failed; retried at the next interval'),
      },
      async (batch) => this.onBatch(consumer, batch),
    );
    this.consumer = consumer;
    try {
      await consumer.start();
    } catch (error) {
      this.consumer = undefined;
      await consumer.stop().catch(() => undefined);
      throw error;
    }
    this.subscribed = sorted;
    logger?.info({ topics: sorted, groupId }, 'relaying fronting topics');
    consumer.closed.catch((error: unknown) => {
      if (this.consumer !== consumer) return;
      logger?.error({ err: error }, 'fronting consumer stopped for good');
      this.failClosed(error);
    });
  }

  private async stopConsumer(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    if (!consumer) return;
    if (this.assigned.length > 0) consumer.pause(this.assigned);
    const relays = [...this.relays.values()];
    const drained = Promise.all(relays.map((relay) => relay.idle())).then(() => true);
    const delivered = await Promise.race([drained, sleep(this.options.drainOnStopMs ?? 5000, false, { ref: false })]);
    if (!delivered) this.options.logger?.warn('stopping with records not yet delivered: they come again after the next start');
    await consumer.stop();
    for (const relay of relays) void relay.stop();
    this.relays.clear();
    this.assigned = [];
    this.metrics?.assignedPartitions.set(0);
  }

  private onAssigned(consumer: AtLeastOnceConsumer, assignment: TopicPartitions[]): void {
    if (consumer !== this.consumer) return;
    this.assigned = assignment.map((a) => ({ topic: a.topic, partitions: [...a.partitions] }));
    const kept = new Set(assignment.flatMap((a) => a.partitions.map((p) => partitionKey(a.topic, p))));
    for (const [key, relay] of this.relays) {
      if (kept.has(key)) continue;
      void relay.stop();
      this.relays.delete(key);
    }
    this.metrics?.assignedPartitions.set(kept.size);
    this.options.logger?.info({ assignment }, 'fronting partitions assigned');
  }

  private onBatch(consumer: AtLeastOnceConsumer, batch: ConsumedBatch): void {
    // A batch a stopping consumer fetched is not marked: it comes again.
    if (consumer !== this.consumer) return;
    const key = partitionKey(batch.topic, batch.partition);
    let relay = this.relays.get(key);
    if (!relay) {
      const { topic, partition } = batch;
      const only = [{ topic, partitions: [partition] }];
      relay = new PartitionRelay({
        topic,
        partition,
        targetTopic: this.mapping.target(topic),
        partitioning: this.options.partitioning ?? 'key',
        target: this.options.target,
        deadLetters: this.options.deadLetters,
        maxSendBytes: this.options.maxSendBytes ?? 512 * 1024,
        maxBufferedBytes: this.options.maxBufferedBytesPerPartition ?? 4 * 1024 * 1024,
        flow: { pause: () => consumer.pause(only), resume: () => consumer.resume(only) },
        metrics: this.metrics,
        logger: this.options.logger,
      });
      this.relays.set(key, relay);
    }
    relay.enqueue(batch);
  }
}

function partitionKey(topic: string, partition: number): string {
  return `${topic}\0${partition}`;
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}
