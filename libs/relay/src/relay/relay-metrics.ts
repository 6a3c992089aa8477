import { Counter, Gauge, type Registry } from 'prom-client';

export interface RelayMetrics {
  relayed: Counter<'topic'>;
  deadLettered: Counter<'topic' | 'reason'>;
  sendRetries: Counter<'kind'>;
  pausedPartitions: Gauge;
  bufferedRecords: Gauge;
  bufferedBytes: Gauge;
  assignedPartitions: Gauge;
}

const byRegistry = new WeakMap<Registry, RelayMetrics>();

/** The relay's metrics on one registry, registered once however many relays share it. */
export function relayMetrics(registry: Registry): RelayMetrics {
  let metrics = byRegistry.get(registry);
  if (metrics) return metrics;
  const registers = [registry];
  metrics = {
    relayed: new Counter({
      name: 'eventpath_relay_records_total',
      help: 'Fronting records the mainstream cluster acknowledged, by fronting topic',
      labelNames: ['topic'],
      registers,
    }),
    deadLettered: new Counter({
      name: 'eventpath_relay_dead_lettered_total',
      help: 'Fronting records the mainstream cluster refused for good, written to the dead-letter topic, by reason',
      labelNames: ['topic', 'reason'],
      registers,
    }),
    sendRetries: new Counter({
      name: 'eventpath_relay_send_retries_total',
      help: 'Sends to the mainstream cluster that failed and were retried, by Kafka error kind',
      labelNames: ['kind'],
      registers,
    }),
    pausedPartitions: new Gauge({
      name: 'eventpath_relay_paused_partitions',
      help: 'Fronting partitions whose fetching is paused (mainstream unreachable, or the partition buffer full)',
      registers,
    }),
    bufferedRecords: new Gauge({
      name: 'eventpath_relay_buffered_records',
      help: 'Records fetched from the fronting cluster and not yet acknowledged by the mainstream cluster',
      registers,
    }),
    bufferedBytes: new Gauge({
      name: 'eventpath_relay_buffered_bytes',
      help: 'Bytes of the buffered records',
      registers,
    }),
    assignedPartitions: new Gauge({
      name: 'eventpath_relay_assigned_partitions',
      help: 'Fronting partitions assigned to this worker',
      registers,
    }),
  };
  byRegistry.set(registry, metrics);
  return metrics;
}
