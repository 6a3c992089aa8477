import {
  Partitioners,
  type Admin,
  type CompressionTypes,
  type ICustomPartitioner,
  type Kafka,
  type Message,
  type PartitionMetadata,
  type Producer,
  type ProducerConfig,
  type RecordMetadata,
} from 'kafkajs';
import { KafkaOperationError, PartialDeliveryError, type DeliveryReport } from '../errors';
import { registerCompressionCodecs } from './compression-codecs';
import { toKafkaOperationError } from './error-classification';
import { recordBatchSizeBound, recordSizeBound } from './record-size-bound';
import { TopicMetadataCache } from './topic-metadata-cache';

export interface BatchingProducerOptions {
  /**
   * How long a send waits for others to share its request. Default 0: the
   * request leaves on the next timer tick with every send made until then,
   * which under load already coalesces hundreds of sends without adding
   * latency when idle.
   */
  lingerMs?: number;
  /**
   * Most bytes of one record batch (one partition's messages of a request,
   * compressed), computed as an upper bound before encoding; a request
   * leaves as soon as the next send would pass it. Keep it at or below the
   * brokers' `message.max.bytes` (1 MiB + 12 by default). Default 1 MiB.
   */
  maxBatchBytes?: number;
  /** -1: every in-sync replica has the messages (default); 1: the leader has them. */
  acks?: -1 | 1;
  /** How long the broker may wait for the acks, in ms. Default 30000. */
  timeoutMs?: number;
  compression?: CompressionTypes;
  /** How long partition metadata (partition count, leaders) is reused. Default 30000 ms; a failed send refreshes it. */
  metadataMaxAgeMs?: number;
  /**
   * kafkajs producer settings (retry, idempotent, maxInFlightRequests, createPartitioner, ...).
   * With kafkajs's default partitioner (set or not), messages without key or partition
   * that share a request all go to one partition (rotating from request to
   * request, as Kafka's own sticky partitioner does), so the broker gets one
   * full record batch instead of one-message batches on many partitions. Any
   * other `createPartitioner` decides every message itself.
   */
  producerConfig?: ProducerConfig;
}

export type { DeliveryReport };

interface PendingSend {
  topic: string;
  messages: Message[];
  resolve: (reports: DeliveryReport[]) => void;
  reject: (error: unknown) => void;
}

interface PendingBatch {
  sends: PendingSend[];
  recordBytes: number;
  timer?: NodeJS.Timeout;
}

/** One message on its way: the send it belongs to, its place there, and the partition chosen for it. */
interface RoutedMessage {
  send: PendingSend;
  index: number;
  message: Message;
  partition: number;
}

/** What became of each message of a send. */
type Outcome = { report: DeliveryReport } | { error: KafkaOperationError };

/**
 * A kafkajs producer that coalesces concurrent `send` calls into fewer
 * produce requests and tells each caller where every one of its messages
 * landed.
 *
 * Sends made within `lingerMs` of the first one (or until a record batch
 * would pass `maxBatchBytes`) are sent together. The partition of every
 * message is chosen here, once, from the topic's metadata, so a retried
 * request places messages exactly as the first attempt did and the report
 * names the partition the partitioner chose. The messages are then sent in
 * one request per partition leader: a leader that is down, or refuses,
 * fails only the sends with messages on its partitions. The broker gives a
 * partition's messages of one request consecutive offsets from the base
 * offset it returns, which gives each message its offset.
 *
 * A send whose messages all failed rejects with a {@link KafkaOperationError}
 * classified as broker-unavailable, retriable, message-too-large,
 * unknown-topic, auth or fatal; one with some messages written rejects with a
 * {@link PartialDeliveryError} that carries the reports of the written ones.
 * A request that failed may still have been written by the broker: resending
 * is at-least-once.
 */
export class BatchingProducer {
  private readonly producer: Producer;
  private readonly admin: Admin;
  private readonly metadata: TopicMetadataCache;
  private readonly choosePartition: ReturnType<ICustomPartitioner>;
  private readonly stickyUnkeyed: boolean;
  private readonly lingerMs: number;
  private readonly maxBatchBytes: number;
  private pending: PendingBatch | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private disconnected = false;

  constructor(
    kafka: Kafka,
    private readonly options: BatchingProducerOptions = {},
  ) {
    registerCompressionCodecs();
    this.lingerMs = options.lingerMs ?? 0;
    this.maxBatchBytes = options.maxBatchBytes ?? 1024 * 1024;
    const createPartitioner = options.producerConfig?.createPartitioner ?? Partitioners.DefaultPartitioner;
    this.choosePartition = createPartitioner();
    this.stickyUnkeyed = createPartitioner === Partitioners.DefaultPartitioner;
    // Every message carries the partition chosen here; kafkajs only follows it.
    this.producer = kafka.producer({ ...options.producerConfig, createPartitioner: () => ({ message }) => message.partition as number });
    this.admin = kafka.admin();
    this.metadata = new TopicMetadataCache(this.admin, options.metadataMaxAgeMs ?? 30_000);
  }

  async connect(): Promise<void> {
    await Promise.all([this.producer.connect(), this.admin.connect()]);
    this.disconnected = false;
  }

  /** Sends the messages, resolving with one report per message, in order. */
  send(topic: string, messages: Message[]): Promise<DeliveryReport[]> {
    if (this.disconnected) {
      return Promise.reject(new KafkaOperationError('fatal', `producing to ${topic}: the producer is disconnected`));
    }
    if (messages.length === 0) return Promise.resolve([]);
    // Copies: the caller may reuse its message objects.
    const copies = messages.map((message) => ({ ...message }));
    const recordBytes = copies.reduce((sum, message) => sum + recordSizeBound(message), 0);
    return new Promise<DeliveryReport[]>((resolve, reject) => {
      if (this.pending && this.batchBound(this.pending.recordBytes + recordBytes) > this.maxBatchBytes) this.flushPending();
      const batch = (this.pending ??= { sends: [], recordBytes: 0 });
      batch.sends.push({ topic, messages: copies, resolve, reject });
      batch.recordBytes += recordBytes;
      if (this.batchBound(batch.recordBytes) >= this.maxBatchBytes) this.flushPending();
      else batch.timer ??= setTimeout(() => this.flushPending(), this.lingerMs);
    });
  }

  /** Sends what is waiting for the linger window now and waits for every request in flight. */
  async flush(): Promise<void> {
    this.flushPending();
    await Promise.all([...this.inFlight]);
  }

  /** Flushes, then disconnects; later sends reject (kind `fatal`) until `connect` is called again. */
  async disconnect(): Promise<void> {
    await this.flush();
    this.disconnected = true;
    await Promise.all([this.producer.disconnect(), this.admin.disconnect()]);
  }

  private batchBound(recordBytes: number): number {
    return recordBatchSizeBound(recordBytes, this.options.compression);
  }

  private flushPending(): void {
    const batch = this.pending;
    if (!batch) return;
    this.pending = undefined;
    clearTimeout(batch.timer);
    const request = this.sendBatch(batch.sends);
    this.inFlight.add(request);
    void request.finally(() => this.inFlight.delete(request));
  }

  private async sendBatch(sends: PendingSend[]): Promise<void> {
    const outcomes = new Map<PendingSend, Outcome[]>(sends.map((send) => [send, []]));
    const routed = await this.route(sends, outcomes);
    const byLeader = new Map<number, RoutedMessage[]>();
    for (const entry of routed) {
      const leader = entry.leader;
      const group = byLeader.get(leader);
      if (group) group.push(entry);
      else byLeader.set(leader, [entry]);
    }
    await Promise.all([...byLeader.values()].map((group) => this.sendToOneLeader(group, outcomes)));
    for (const [send, results] of outcomes) settle(send, results);
  }

  /**
   * Chooses every message's partition from the topic's metadata; a send
   * whose topic's metadata cannot be read fails whole.
   */
  private async route(
    sends: PendingSend[],
    outcomes: Map<PendingSend, Outcome[]>,
  ): Promise<Array<RoutedMessage & { leader: number }>> {
    const topics = [...new Set(sends.map((send) => send.topic))];
    const metadata = new Map<string, PartitionMetadata[] | KafkaOperationError>();
    await Promise.all(
      topics.map(async (topic) => {
        try {
          metadata.set(topic, await this.metadata.partitions(topic));
        } catch (error) {
          metadata.set(topic, toKafkaOperationError(error, `reading the partitions of ${topic}`));
        }
      }),
    );
    const sticky = new Map<string, number>();
    const routed: Array<RoutedMessage & { leader: number }> = [];
    for (const send of sends) {
      const partitions = metadata.get(send.topic) as PartitionMetadata[] | KafkaOperationError;
      const results = outcomes.get(send) as Outcome[];
      send.messages.forEach((message, index) => {
        if (partitions instanceof KafkaOperationError) {
          results[index] = { error: partitions };
          return;
        }
        const partition = this.partitionFor(send.topic, message, partitions, sticky);
        const known = partitions.find((p) => p.partitionId === partition);
        if (!known) {
          results[index] = {
            error: new KafkaOperationError('fatal', `producing to ${send.topic}: the partitioner chose partition ${partition}, which the topic does not have`),
          };
          return;
        }
        routed.push({ send, index, message: { ...message, partition }, partition, leader: known.leader });
      });
    }
    return routed;
  }

  private partitionFor(topic: string, message: Message, partitionMetadata: PartitionMetadata[], sticky: Map<string, number>): number {
    const unkeyed = (message.key === null || message.key === undefined) && (message.partition === null || message.partition === undefined);
    if (!(this.stickyUnkeyed && unkeyed)) return this.choosePartition({ topic, partitionMetadata, message });
    let partition = sticky.get(topic);
    if (partition === undefined) {
      partition = this.choosePartition({ topic, partitionMetadata, message });
      sticky.set(topic, partition);
    }
    return partition;
  }

  /** One produce request (kafkajs may retry it) for the messages whose partitions one broker leads. */
  private async sendToOneLeader(group: RoutedMessage[], outcomes: Map<PendingSend, Outcome[]>): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    for (const { send, message } of group) {
      const messages = byTopic.get(send.topic);
      if (messages) messages.push(message);
      else byTopic.set(send.topic, [message]);
    }
    let metadata: RecordMetadata[];
    try {
      metadata = await this.producer.sendBatch({
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
        acks: this.options.acks ?? -1,
        timeout: this.options.timeoutMs ?? 30_000,
        compression: this.options.compression,
      });
    } catch (error) {
      for (const topic of byTopic.keys()) this.metadata.invalidate(topic);
      const failure = leadershipMoved(toKafkaOperationError(error, `producing to ${[...byTopic.keys()].join(', ')}`));
      for (const { send, index } of group) (outcomes.get(send) as Outcome[])[index] = { error: failure };
      return;
    }
    const baseOffsets = new Map(metadata.map((m) => [`${m.topicName}\0${m.partition}`, BigInt(m.baseOffset ?? '-1')]));
    // A partition's messages are written in the order given, so counting
    // them in that order yields each one's offset.
    const nextIndex = new Map<string, bigint>();
    for (const { send, index, partition } of group) {
      const key = `${send.topic}\0${partition}`;
      const base = baseOffsets.get(key);
      const results = outcomes.get(send) as Outcome[];
      if (base === undefined || base < 0n) {
        results[index] = { error: new KafkaOperationError('fatal', `the broker reported no offset for ${send.topic}/${partition}`) };
        continue;
      }
      const position = nextIndex.get(key) ?? 0n;
      nextIndex.set(key, position + 1n);
      results[index] = { report: { topic: send.topic, partition, offset: (base + position).toString() } };
    }
  }
}

/**
 * A produce request is sent only for topics the metadata just listed, so an
 * UNKNOWN_TOPIC_OR_PARTITION in its answer means the broker asked no longer
 * hosts the partition (leadership moved while a node restarted), not that the
 * topic is gone: the caller retries, and the retry's fresh metadata says
 * `unknown-topic` if the topic really was deleted meanwhile.
 */
function leadershipMoved(failure: KafkaOperationError): KafkaOperationError {
  if (failure.kind !== 'unknown-topic') return failure;
  return new KafkaOperationError('broker-unavailable', `${failure.message.slice(failure.kind.length + 2)} (the partition's leader moved; metadata is read again)`, { cause: failure.cause });
}

/** Resolves a send whose messages were all written; rejects it otherwise, with the reports of those that were. */
function settle(send: PendingSend, results: Outcome[]): void {
  const reports: Array<DeliveryReport | undefined> = [];
  let failure: KafkaOperationError | undefined;
  for (let i = 0; i < send.messages.length; i++) {
    const result = results[i];
    if (result && 'report' in result) reports.push(result.report);
    else {
      reports.push(undefined);
      failure ??= result?.error ?? new KafkaOperationError('fatal', `no outcome for message ${i} of a send to ${send.topic}`);
    }
  }
  if (!failure) send.resolve(reports as DeliveryReport[]);
  else if (reports.every((report) => report === undefined)) send.reject(failure);
  else send.reject(new PartialDeliveryError(failure, reports));
}
