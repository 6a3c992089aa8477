import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { BackoffOptions } from '../delivery/backoff';
import type { DeadLetterSink, DeliveryTarget } from '../delivery/delivery-target';
import { TopicMapping } from '../topics/topic-mapping';
import type { TopicSelector } from '../topics/topic-selector';
import { TopicWatcher } from '../topics/topic-watcher';
import { DrainRateLimit } from './drain-rate-limit';
import { drainMetrics, type DrainMetrics } from './drain-metrics';
import { discoverFailoverStreams } from './failover-stream-discovery';
import { StreamDrainer, type StreamReadOptions } from './stream-drainer';

export interface FailoverDrainOptions extends StreamReadOptions {
  /** The failover Redis (standalone). Each stream's reader gets a duplicate of this connection. */
  redis: Redis;
  /** Which topics' streams are drained. */
  selector: TopicSelector;
  /** The cluster drained into (`fronting` by default in the worker, or `mainstream`). */
  target: DeliveryTarget;
  deadLetters: DeadLetterSink;
  /** Topic names in the target cluster; the stream's topic by default. */
  mapping?: TopicMapping;
  /** The Kafka header that carries the event id. */
  idHeader: string;
  /** Most events per second drained by this worker, all streams together; unlimited when unset or 0. */
  eventsPerSecond?: number;
  /** How often Redis is scanned for new failover streams. Default 30000 ms. */
  discoveryIntervalMs?: number;
  backoff?: BackoffOptions;
  registry?: Registry;
  logger?: Logger;
}

/**
 * Drains every chosen failover stream into Kafka, one {@link StreamDrainer}
 * per stream, with a rate limit shared by all. Streams that appear later
 * (the gateway failing over a topic for the first time) are found by a
 * periodic scan. Several workers drain the same streams through the Redis
 * consumer groups, with no other coordination.
 */
export class FailoverDrain {
  private readonly drainers = new Map<string, StreamDrainer>();
  private readonly readers: Redis[] = [];
  private readonly watcher: TopicWatcher;
  private readonly rateLimit?: DrainRateLimit;
  private readonly mapping: TopicMapping;
  private readonly metrics?: DrainMetrics;
  private stopped = false;

  constructor(private readonly options: FailoverDrainOptions) {
    this.mapping = options.mapping ?? TopicMapping.identity();
    if (options.eventsPerSecond) this.rateLimit = new DrainRateLimit(options.eventsPerSecond);
    if (options.registry) this.metrics = drainMetrics(options.registry);
    this.watcher = new TopicWatcher(() => discoverFailoverStreams(options.redis, options.selector), {
      intervalMs: options.discoveryIntervalMs ?? 30_000,
      onChange: (topics) => this.drainStreams(topics),
      onError: (error) => options.logger?.warn({ err: error }, 'scanning Redis for failover streams failed; retrying at the next interval'),
    });
  }

  /** The topics whose streams are drained. */
  get topics(): string[] {
    return [...this.drainers.keys()].sort();
  }

  /** Scans Redis for failover streams now and starts draining them, then again every `discoveryIntervalMs`. */
  start(): Promise<void> {
    this.stopped = false;
    return this.watcher.start();
  }

  /** Scans for new streams now. */
  refresh(): Promise<void> {
    return this.watcher.refresh();
  }

  /** Stops every drainer after its batch in hand; entries not acknowledged stay pending and come again. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.watcher.stop();
    await Promise.all([...this.drainers.values()].map((drainer) => drainer.stop()));
    this.drainers.clear();
    for (const reader of this.readers.splice(0)) reader.disconnect();
    this.metrics?.streams.set(0);
  }

  private drainStreams(topics: string[]): void {
    if (this.stopped) return;
    const { options } = this;
    for (const topic of topics) {
      if (this.drainers.has(topic)) continue;
      const readerRedis = options.redis.duplicate();
      this.readers.push(readerRedis);
      const drainer = new StreamDrainer({
        topic,
        targetTopic: this.mapping.target(topic),
        target: options.target,
        deadLetters: options.deadLetters,
        readerRedis,
        redis: options.redis,
        consumer: options.consumer,
        group: options.group,
        batchSize: options.batchSize,
        blockMs: options.blockMs,
        claimIdleMs: options.claimIdleMs,
        idHeader: options.idHeader,
        rateLimit: this.rateLimit,
        backoff: options.backoff,
        registry: options.registry,
        logger: options.logger,
      });
      this.drainers.set(topic, drainer);
      drainer.start();
      options.logger?.info({ topic, targetTopic: this.mapping.target(topic), target: options.target.name }, 'draining failover stream');
    }
    this.metrics?.streams.set(this.drainers.size);
  }
}
