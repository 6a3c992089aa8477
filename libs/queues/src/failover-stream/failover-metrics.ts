import { Counter, Gauge, type Registry } from 'prom-client';
import type { RedisClient } from './run-script';
import { failoverStreamKeys } from './stream-keys';

interface WatchedStream {
  redis: RedisClient;
  topic: string;
  group: string;
}

export interface FailoverMetrics {
  appended: Counter<'topic'>;
  refused: Counter<'topic' | 'reason'>;
  delivered: Counter<'topic'>;
  reclaimed: Counter<'topic'>;
  acked: Counter<'topic'>;
  /** Reports the stream's depth, bytes, pending, lag and oldest age at scrape time. */
  watch(stream: WatchedStream): void;
}

const byRegistry = new WeakMap<Registry, FailoverMetrics>();

/** The failover stream metrics of one registry, registered once however many writers and readers share it. */
export function failoverMetrics(registry: Registry): FailoverMetrics {
  const existing = byRegistry.get(registry);
  if (existing) return existing;

  const watched = new Map<string, WatchedStream>();
  const counter = <L extends string>(name: string, help: string, labelNames: L[]) =>
    new Counter<L>({ name, help, labelNames, registers: [registry] });
  const metrics: FailoverMetrics = {
    appended: counter('eventpath_failover_appended_total', 'Events appended to the failover stream', ['topic']),
    refused: counter(
      'eventpath_failover_append_refused_total',
      'Events refused because the stream was full (reason: entries, bytes, redis-memory)',
      ['topic', 'reason'],
    ),
    delivered: counter('eventpath_failover_delivered_total', 'Entries handed to this reader (new, own pending or reclaimed)', ['topic']),
    reclaimed: counter(
      'eventpath_failover_reclaimed_total',
      'Entries this reader took over from consumers that left them pending too long',
      ['topic'],
    ),
    acked: counter('eventpath_failover_acked_total', 'Entries acknowledged and deleted', ['topic']),
    watch: (stream) => void watched.set(`${stream.topic}\0${stream.group}`, stream),
  };

  // Sampled on scrape with one cheap command per stream and gauge. A Redis
  // that does not answer leaves the previous value in place rather than
  // failing the whole scrape.
  const gauge = (
    name: string,
    help: string,
    labelNames: Array<'topic' | 'group'>,
    read: (stream: WatchedStream) => Promise<number>,
  ) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        await Promise.all(
          [...watched.values()].map(async (stream) => {
            const value = await read(stream).catch(() => undefined);
            if (value === undefined) return;
            this.set(labelNames.includes('group') ? { topic: stream.topic, group: stream.group } : { topic: stream.topic }, value);
          }),
        );
      },
    });
  gauge('eventpath_failover_stream_depth', 'Entries stored in the stream (appended, not yet acknowledged)', ['topic'], ({ redis, topic }) =>
    redis.xlen(failoverStreamKeys(topic).stream),
  );
  gauge(
    'eventpath_failover_stream_bytes',
    'Bytes of the entries stored in the stream, as counted against its byte cap',
    ['topic'],
    async ({ redis, topic }) => Number((await redis.get(failoverStreamKeys(topic).bytes)) ?? 0),
  );
  gauge(
    'eventpath_failover_stream_pending',
    'Entries delivered to the group and not yet acknowledged',
    ['topic', 'group'],
    async (stream) => Number((await groupInfo(stream))?.pending ?? 0),
  );
  gauge('eventpath_failover_stream_lag', 'Entries not yet delivered to the group', ['topic', 'group'], async (stream) => {
    const info = await groupInfo(stream);
    // Without a group (or when Redis cannot compute the lag) every stored entry is the upper bound.
    if (info?.lag === undefined || info.lag === null) return stream.redis.xlen(failoverStreamKeys(stream.topic).stream);
    return Number(info.lag);
  });
  gauge(
    'eventpath_failover_stream_oldest_age_seconds',
    'Age of the oldest stored entry; 0 when the stream is empty',
    ['topic'],
    async ({ redis, topic }) => {
      const oldest = await redis.xrange(failoverStreamKeys(topic).stream, '-', '+', 'COUNT', 1);
      if (oldest.length === 0) return 0;
      const appendedMs = Number(oldest[0][0].split('-')[0]);
      return Math.max(0, (Date.now() - appendedMs) / 1000);
    },
  );
  byRegistry.set(registry, metrics);
  return metrics;
}

async function groupInfo({ redis, topic, group }: WatchedStream): Promise<Record<string, unknown> | undefined> {
  const groups = (await redis.xinfo('GROUPS', failoverStreamKeys(topic).stream).catch(() => [])) as unknown[][];
  return groups.map(pairsToObject).find((g) => g.name === group);
}

function pairsToObject(pairs: unknown[]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) result[String(pairs[i])] = pairs[i + 1];
  return result;
}
