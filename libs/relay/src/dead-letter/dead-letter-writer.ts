import type { Kafka, Message } from 'kafkajs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { BatchingProducer, KafkaOperationError, PartialDeliveryError, classifyKafkaError, type BatchingProducerOptions } from '@eventpath/queues';
import { Backoff, type BackoffOptions } from '../delivery/backoff';
import { ConnectOnDemand } from '../delivery/connect-on-demand';
import { DEAD_LETTER_HEADERS } from './dead-letter-message';
import { deadLetterMetrics, type DeadLetterMetrics } from './dead-letter-metrics';

export interface DeadLetterWriterOptions {
  /** The dead-letter topic. */
  topic: string;
  /** Settings of its producer (acks -1 unless set). */
  producer?: BatchingProducerOptions;
  backoff?: BackoffOptions;
  registry?: Registry;
  logger?: Logger;
}

/**
 * Writes dead letters with a producer of its own (a letter the topic
 * refuses must not fail anyone else's request) and keeps trying until the
 * cluster acknowledged every one: a dead letter is the last copy of a record
 * the worker is about to move past, so it is never dropped. A dead-letter
 * topic that refuses a letter for good (missing, or its `max.message.bytes`
 * too small) stalls the caller, loudly (error logs, the retry counter),
 * until an operator fixes the topic.
 */
export class DeadLetterWriter {
  readonly topic: string;
  private readonly producer: BatchingProducer;
  private readonly metrics?: DeadLetterMetrics;
  private readonly connection: ConnectOnDemand;

  constructor(
    kafka: Kafka,
    private readonly options: DeadLetterWriterOptions,
  ) {
    this.topic = options.topic;
    this.producer = new BatchingProducer(kafka, { acks: -1, ...options.producer });
    if (options.registry) this.metrics = deadLetterMetrics(options.registry);
    this.connection = new ConnectOnDemand(() => this.producer.connect());
  }

  get isConnected(): boolean {
    return this.connection.isConnected;
  }

  /** Connects now; rejects when the cluster cannot be reached (a write connects on demand, too). */
  connect(): Promise<void> {
    return this.connection.ensure();
  }

  async disconnect(): Promise<void> {
    const connected = this.connection.isConnected;
    this.connection.close();
    if (connected) await this.producer.disconnect();
  }

  /**
   * Resolves once every letter was acknowledged; rejects only with the
   * signal's reason. `source` labels the metric (`relay`, `drain`).
   */
  async write(letters: Message[], source: string, signal?: AbortSignal): Promise<void> {
    let pending = letters;
    const backoff = new Backoff(this.options.backoff);
    while (pending.length > 0) {
      signal?.throwIfAborted();
      try {
        await this.connection.ensure();
        await this.producer.send(this.topic, pending);
        pending = [];
      } catch (error) {
        const failed = error instanceof PartialDeliveryError ? pending.filter((_, i) => !error.reports[i]) : pending;
        const kind = error instanceof KafkaOperationError ? error.kind : classifyKafkaError(error);
        this.metrics?.writeRetries.inc({ kind });
        const level = kind === 'message-too-large' || kind === 'unknown-topic' || kind === 'auth' ? 'error' : 'warn';
        this.options.logger?.[level](
          { err: error, topic: this.topic, letters: failed.length, attempt: backoff.attempts + 1 },
          `writing to the dead-letter topic failed (${kind}); retrying`,
        );
        await backoff.wait(signal);
        pending = failed;
      }
    }
    if (this.metrics) {
      for (const letter of letters) {
        const reason = String(letter.headers?.[DEAD_LETTER_HEADERS.reason] ?? 'unknown');
        this.metrics.written.inc({ source, reason });
      }
    }
  }
}
