import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface DrainMetrics {
  drained: Counter<'topic' | 'target'>;
  deadLettered: Counter<'topic' | 'reason'>;
  deadLetterDeliveries: Histogram<'topic'>;
  sendRetries: Counter<'kind'>;
  redisRetries: Counter<'operation'>;
  rateLimitedSeconds: Counter;
  streams: Gauge;
}

const byRegistry = new WeakMap<Registry, DrainMetrics>();

/** The failover drain's metrics on one registry, registered once. */
export function drainMetrics(registry: Registry): DrainMetrics {
  let metrics = byRegistry.get(registry);
  if (metrics) return metrics;
  const registers = [registry];
  metrics = {
    drained: new Counter({
      name: 'eventpath_drain_events_total',
      help: 'Failover events the target Kafka acknowledged, then acknowledged and deleted in Redis, by topic and target cluster',
      labelNames: ['topic', 'target'],
      registers,
    }),
    deadLettered: new Counter({
      name: 'eventpath_drain_dead_lettered_total',
      help: 'Failover events the target Kafka refused for good, written to the dead-letter topic and deleted from Redis, by reason',
      labelNames: ['topic', 'reason'],
      registers,
    }),
    deadLetterDeliveries: new Histogram({
      name: 'eventpath_drain_dead_letter_delivery_count',
      help: 'How many times each dead-lettered failover event had been delivered to a worker',
      labelNames: ['topic'],
      buckets: [1, 2, 3, 5, 10, 20, 50, 100],
      registers,
    }),
    sendRetries: new Counter({
      name: 'eventpath_drain_send_retries_total',
      help: 'Sends of failover events to Kafka that failed and were retried, by Kafka error kind',
      labelNames: ['kind'],
      registers,
    }),
    redisRetries: new Counter({
      name: 'eventpath_drain_redis_retries_total',
      help: 'Redis reads and acknowledgements of the failover streams that failed and were retried',
      labelNames: ['operation'],
      registers,
    }),
    rateLimitedSeconds: new Counter({
      name: 'eventpath_drain_rate_limited_seconds_total',
      help: 'Time the drain waited for its rate limit',
      registers,
    }),
    streams: new Gauge({
      name: 'eventpath_drain_streams',
      help: 'Failover streams this worker drains',
      registers,
    }),
  };
  byRegistry.set(registry, metrics);
  return metrics;
}
