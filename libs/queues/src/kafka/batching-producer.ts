import {
  Partitioners,
  type CompressionTypes,
  type ICustomPartitioner,
  type IHeaders,
  type Kafka,
  type Message,
  type Producer,
  type ProducerConfig,
  type RecordMetadata,
} from 'kafkajs';
import { toKafkaOperationError } from './error-classification';

export interface BatchingProducerOptions {
  /**
   * How long a send waits for others to share its request. Default 0: the
   * request leaves on the next timer tick with every send made until then,
   * which under load already coalesces hundreds of sends without adding
   * latency when idle.
   */
  lingerMs?: number;
  /** A request goes out as soon as its messages reach this many bytes (estimated). Default 1 MiB. */
  maxBatchBytes?: number;
  /** -1: every in-sync replica has the messages (default); 1: the leader has them. */
  acks?: -1 | 1;
  /** How long the broker may wait for the acks, in ms. Default 30000. */
  timeoutMs?: number;
  compression?: CompressionTypes;
  /**
   * kafkajs producer settings (retry, idempotent, maxInFlightRequests, createPartitioner, ...).
   * With kafkajs's default partitioner (set or not), messages without key or partition
   * that share a request all go to one partition (rotating from request to
   * request, as Kafka's own sticky partitioner does), so the broker gets one
   * full record batch instead of one-message batches on many partitions. A
   * other `createPartitioner` decides every message itself.
   */
  producerConfig?: ProducerConfig;
}

/** Where one message was written. */
export interface DeliveryReport {
  topic: string;
  partition: number;
  offset: string;
}

interface PendingSend {
  topic: string;
  messages: Message[];
  resolve: (reports: DeliveryReport[]) => void;
  reject: (error: unknown) => void;
}

interface PendingBatch {
  sends: PendingSend[];
  bytes: number;
  timer?: NodeJS.Timeout;
}

/** Per-message framing in a record batch, roughly; only used to decide when a request is big enough. */
const RECORD_OVERHEAD_BYTES = 24;

/**
 * A kafkajs producer that coalesces concurrent `send` calls into fewer
 * produce requests and tells each caller where every one of its messages
 * landed.
 *
 * Sends made within `lingerMs` of the first one (or until `maxBatchBytes`)
 * go out as one `sendBatch`; unkeyed messages of one request share a
 * partition (see `producerConfig`). Each message's partition is fixed the first
 * time kafkajs asks for it, so a retried request places messages exactly as
 * the first attempt did; the broker assigns a partition's messages of one
 * request consecutive offsets from the base offset it returns, which gives
 * each message its offset.
 *
 * A failed request rejects every send in it with a {@link KafkaOperationError}
 * classified as broker-unavailable, retriable, message-too-large, auth or
 * fatal. Some partitions of a failed request may still have been written:
 * resending is at-least-once.
 */
export class BatchingProducer {
  private readonly producer: Producer;
  private readonly lingerMs: number;
  private readonly maxBatchBytes: number;
  private readonly assignedPartitions = new WeakMap<Message, number>();
  /** The request a message travels in, for sticky partitioning of unkeyed messages. */
  private readonly requestOf = new WeakMap<Message, Map<string, number>>();
  private pending: PendingBatch | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    kafka: Kafka,
    private readonly options: BatchingProducerOptions = {},
  ) {
    this.lingerMs = options.lingerMs ?? 0;
    this.maxBatchBytes = options.maxBatchBytes ?? 1024 * 1024;
    const createPartitioner = options.producerConfig?.createPartitioner ?? Partitioners.DefaultPartitioner;
    this.producer = kafka.producer({
      ...options.producerConfig,
      createPartitioner: this.stablePartitioner(createPartitioner, createPartitioner === Partitioners.DefaultPartitioner),
    });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  /** Sends the messages, resolving with one report per message, in order. */
  send(topic: string, messages: Message[]): Promise<DeliveryReport[]> {
    if (messages.length === 0) return Promise.resolve([]);
    // Copies: the partition memo is keyed by message object, and a caller may reuse its objects.
    const copies = messages.map((message) => ({ ...message }));
    const bytes = copies.reduce((sum, message) => sum + estimateBytes(message), 0);
    return new Promise<DeliveryReport[]>((resolve, reject) => {
      if (this.pending && this.pending.bytes + bytes > this.maxBatchBytes) this.flushPending();
      const batch = (this.pending ??= { sends: [], bytes: 0 });
      batch.sends.push({ topic, messages: copies, resolve, reject });
      batch.bytes += bytes;
      if (batch.bytes >= this.maxBatchBytes) this.flushPending();
      else batch.timer ??= setTimeout(() => this.flushPending(), this.lingerMs);
    });
  }

  /** Sends what is waiting for the linger window now and waits for every request in flight. */
  async flush(): Promise<void> {
    this.flushPending();
    await Promise.all([...this.inFlight]);
  }

  /** Flushes, then disconnects. */
  async disconnect(): Promise<void> {
    await this.flush();
    await this.producer.disconnect();
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
    const byTopic = new Map<string, Message[]>();
    const stickyPartitions = new Map<string, number>();
    for (const send of sends) {
      for (const message of send.messages) this.requestOf.set(message, stickyPartitions);
      const messages = byTopic.get(send.topic);
      if (messages) messages.push(...send.messages);
      else byTopic.set(send.topic, [...send.messages]);
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
      const failure = toKafkaOperationError(error, `producing to ${[...byTopic.keys()].join(', ')}`);
      for (const send of sends) send.reject(failure);
      return;
    }
    const baseOffsets = new Map(metadata.map((m) => [`${m.topicName}\0${m.partition}`, BigInt(m.baseOffset ?? '-1')]));
    // Messages of one partition are written in the order they were given, so
    // counting them in that same order yields each one's offset.
    const nextIndex = new Map<string, bigint>();
    for (const send of sends) {
      try {
        send.resolve(
          send.messages.map((message) => {
            const partition = message.partition ?? this.assignedPartitions.get(message);
            const key = `${send.topic}\0${partition}`;
            const base = baseOffsets.get(key);
            if (partition === undefined || base === undefined || base < 0n) {
              throw new Error(`the broker reported no offset for ${send.topic}/${partition}`);
            }
            const index = nextIndex.get(key) ?? 0n;
            nextIndex.set(key, index + 1n);
            return { topic: send.topic, partition, offset: (base + index).toString() };
          }),
        );
      } catch (error) {
        send.reject(error);
      }
    }
  }

  /**
   * Wraps the partitioner so a message keeps the partition it was first
   * given across kafkajs's retries, and (with `stickyUnkeyed`) unkeyed
   * messages of one request share a partition.
   */
  private stablePartitioner(createPartitioner: ICustomPartitioner, stickyUnkeyed: boolean): ICustomPartitioner {
    return () => {
      const choose = createPartitioner();
      return (args) => {
        const { message, topic } = args;
        const known = this.assignedPartitions.get(message);
        if (known !== undefined) return known;
        let partition: number;
        const request = this.requestOf.get(message);
        const unkeyed = (message.key === null || message.key === undefined) && (message.partition === null || message.partition === undefined);
        if (stickyUnkeyed && unkeyed && request) {
          partition = request.get(topic) ?? choose(args);
          request.set(topic, partition);
        } else {
          partition = choose(args);
        }
        this.assignedPartitions.set(message, partition);
        return partition;
      };
    };
  }
}

function estimateBytes(message: Message): number {
  return RECORD_OVERHEAD_BYTES + byteLength(message.key) + byteLength(message.value) + headerBytes(message.headers);
}

function headerBytes(headers: IHeaders | undefined): number {
  let total = 0;
  for (const [name, value] of Object.entries(headers ?? {})) {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) total += Buffer.byteLength(name) + byteLength(v);
  }
  return total;
}

function byteLength(value: Buffer | string | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return Buffer.byteLength(value);
}
