import type { Redis } from 'ioredis';
import type { Message } from 'kafkajs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { FailoverStreamReader, failoverStreamKeys, type FailoverEntry } from '@eventpath/queues';
import { deadLetterMessage } from '../dead-letter/dead-letter-message';
import { Backoff, type BackoffOptions } from '../delivery/backoff';
import type { DeadLetterSink, DeliveryTarget } from '../delivery/delivery-target';
import type { DrainRateLimit } from './drain-rate-limit';
import { drainedMessage } from './drained-message';
import { drainMetrics, type DrainMetrics } from './drain-metrics';
import { deliveryCounts, keepPending } from './pending-entries';

/** How a drainer reads its stream as a member of the Redis consumer group. */
export interface StreamReadOptions {
  /** This worker's name in the Redis consumer group: unique per running process. */
  consumer: string;
  /** The Redis consumer group; the failover stream's default (`eventpath-failover`) unless set. */
  group?: string;
  /** Most entries per read. Default 100. */
  batchSize?: number;
  /** How long a read waits for new entries. Default 1000 ms. */
  blockMs?: number;
  /** Entries another worker left pending this long are taken over. Default 60000 ms. */
  claimIdleMs?: number;
}

export interface StreamDrainerOptions extends StreamReadOptions {
  /** The topic whose failover stream is drained. */
  topic: string;
  /** Where its events go in the target cluster. */
  targetTopic: string;
  target: DeliveryTarget;
  deadLetters: DeadLetterSink;
  /** For the reader's blocking reads: a connection of its own (`redis.duplicate()`). */
  readerRedis: Redis;
  /** For everything else (delivery counts, keeping entries pending). */
  redis: Redis;
  /** The Kafka header that carries the event id. */
  idHeader: string;
  rateLimit?: DrainRateLimit;
  /** Delays between retries of Redis reads and acknowledgements. */
  backoff?: BackoffOptions;
  registry?: Registry;
  logger?: Logger;
}

/**
 * Drains one topic's failover stream into Kafka, at least once, as a
 * member of the stream's consumer group: reads a batch (its own pending
 * entries first, then entries a dead worker left pending past
 * `claimIdleMs`, then new ones, oldest first), waits for the rate limit,
 * produces the events to the target cluster, and only once the cluster
 * acknowledged every one (or the dead-letter topic took those it refuses
 * for good) acknowledges and deletes the entries. While Kafka is down the
 * batch is retried and its entries are kept pending under this worker's
 * name (their idle time reset), so no live worker's entries are reclaimed.
 */
export class StreamDrainer {
  private readonly controller = new AbortController();
  private loop: Promise<void> | undefined;
  private readonly metrics?: DrainMetrics;
  private readonly reader: FailoverStreamReader;
  private readonly stream: string;

  constructor(private readonly options: StreamDrainerOptions) {
    if (options.registry) this.metrics = drainMetrics(options.registry);
    this.stream = failoverStreamKeys(options.topic).stream;
    this.reader = new FailoverStreamReader(options.readerRedis, options.topic, {
      consumer: options.consumer,
      group: options.group,
      batchSize: options.batchSize,
      blockMs: options.blockMs,
      claimIdleMs: options.claimIdleMs,
      registry: options.registry,
    });
  }

  get topic(): string {
    return this.options.topic;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Stops after the batch in hand (abandoning retries: its entries stay pending and come again). */
  async stop(): Promise<void> {
    this.controller.abort(new Error('drain stopped'));
    await this.loop;
  }

  private async run(): Promise<void> {
    const signal = this.controller.signal;
    const backoff = new Backoff(this.options.backoff);
    while (!signal.aborted) {
      let entries: FailoverEntry[];
      try {
        entries = await this.reader.read();
        backoff.reset();
      } catch (error) {
        if (signal.aborted) break;
        this.metrics?.redisRetries.inc({ operation: 'read' });
        this.options.logger?.warn({ err: error, topic: this.options.topic }, 'reading the failover stream failed; retrying');
        await backoff.wait(signal).catch(() => undefined);
        continue;
      }
      if (entries.length === 0) continue;
      try {
        await this.drain(entries, signal);
      } catch (error) {
        if (signal.aborted) break;
        this.options.logger?.error({ err: error, topic: this.options.topic }, 'draining a batch failed; its entries stay pending');
      }
    }
  }

  private async drain(entries: FailoverEntry[], signal: AbortSignal): Promise<void> {
    const { topic, targetTopic, target, rateLimit, logger, claimIdleMs = 60_000 } = this.options;
    const ids = entries.map((e) => e.streamId);
    // Refreshed well within claimIdleMs, for as long as this batch is in hand.
    const keepAlive = setInterval(
      () => void keepPending(this.options.redis, this.stream, this.reader.group, this.options.consumer, ids).catch(() => undefined),
      Math.max(100, Math.floor(claimIdleMs / 3)),
    );
    try {
      if (rateLimit) {
        const waitStarted = performance.now();
        await rateLimit.take(entries.length, signal);
        this.metrics?.rateLimitedSeconds.inc((performance.now() - waitStarted) / 1000);
      }
      const messages = entries.map((entry) => drainedMessage(entry, this.options.idHeader));
      const outcomes = await target.delivery.deliver(targetTopic, messages, signal, {
        onRetry: ({ error, attempt, delayMs }) => {
          this.metrics?.sendRetries.inc({ kind: error.kind });
          const level = attempt === 1 || attempt % 10 === 0 ? 'warn' : 'debug';
          logger?.[level]({ err: error, topic, targetTopic, attempt, retryInMs: delayMs }, `draining to ${target.name} failed (${error.kind}); retrying`);
        },
      });
      const refused = outcomes.flatMap((outcome, i) => (outcome.status === 'refused' ? [{ i, outcome }] : []));
      if (refused.length > 0) {
        const counts = await deliveryCounts(this.options.redis, this.stream, this.reader.group, refused.map(({ i }) => ids[i])).catch(
          () => new Map<string, number>(),
        );
        const letters: Message[] = refused.map(({ i, outcome }) =>
          deadLetterMessage(
            messages[i],
            { reason: outcome.reason, error: outcome.error, targetCluster: target.name, targetTopic },
            { kind: 'failover-stream', stream: this.stream, streamId: ids[i], deliveryCount: counts.get(ids[i]) ?? 1 },
          ),
        );
        for (const { i, outcome } of refused) {
          logger?.warn({ topic, streamId: ids[i], eventId: entries[i].id, reason: outcome.reason }, 'failover event refused by the target; dead-lettering it');
        }
        await this.options.deadLetters.write(letters, 'drain', signal);
        for (const { i, outcome } of refused) {
          this.metrics?.deadLettered.inc({ topic, reason: outcome.reason });
          this.metrics?.deadLetterDeliveries.observe({ topic }, counts.get(ids[i]) ?? 1);
        }
      }
      await this.acknowledge(ids, signal);
      this.metrics?.drained.inc({ topic, target: target.name }, outcomes.length - refused.length);
    } finally {
      clearInterval(keepAlive);
    }
  }

  /** XACK + XDEL, retried until Redis answers: the events are in Kafka now, so a retry can only save a duplicate. */
  private async acknowledge(ids: string[], signal: AbortSignal): Promise<void> {
    const backoff = new Backoff(this.options.backoff);
    for (;;) {
      try {
        await this.reader.ack(ids);
        return;
      } catch (error) {
        signal.throwIfAborted();
        this.metrics?.redisRetries.inc({ operation: 'ack' });
        this.options.logger?.warn({ err: error, topic: this.options.topic, entries: ids.length }, 'acknowledging drained entries failed; retrying');
        await backoff.wait(signal);
      }
    }
  }
}
