import type { Admin } from 'kafkajs';
import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import type { TopicPartitions } from '@eventpath/queues';

export interface ConsumerLagMonitorOptions {
  /** Admin client of the consumed (fronting) cluster. */
  admin: Admin;
  groupId: string;
  /** The partitions to report: this worker's assignment, so N workers' series add up. */
  partitions: () => TopicPartitions[];
  registry: Registry;
  /** How often the offsets are read. Default 5000 ms. */
  intervalMs?: number;
  logger?: Logger;
}

const byRegistry = new WeakMap<Registry, Gauge<'topic' | 'partition'>>();

/**
 * Consumer lag per partition, as Kafka's own tooling computes it: the
 * partition's high watermark minus the group's committed offset (minus the
 * low watermark while nothing is committed yet). The relay commits only
 * what the mainstream cluster acknowledged, so this is the number of
 * fronting records not yet known to be in the mainstream cluster: it grows
 * while the mainstream cluster is down and falls back to 0 once the worker
 * caught up. Read every `intervalMs` in the background (a scrape never
 * waits for Kafka); a read that fails leaves the last values.
 */
export class ConsumerLagMonitor {
  private readonly gauge: Gauge<'topic' | 'partition'>;
  private timer?: NodeJS.Timeout;
  private reported = new Set<string>();

  constructor(private readonly options: ConsumerLagMonitorOptions) {
    let gauge = byRegistry.get(options.registry);
    if (!gauge) {
      gauge = new Gauge({
        name: 'eventpath_relay_consumer_lag',
        help: 'Fronting records not yet relayed and committed, per partition assigned to this worker (high watermark - committed offset)',
        labelNames: ['topic', 'partition'],
        registers: [options.registry],
      });
      byRegistry.set(options.registry, gauge);
    }
    this.gauge = gauge;
  }

  start(): void {
    this.timer = setInterval(() => void this.refresh(), this.options.intervalMs ?? 5000);
    this.timer.unref();
    void this.refresh();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Reads the offsets now. Resolves to the lag per `topic/partition`, or undefined when the cluster did not answer. */
  async refresh(): Promise<Map<string, number> | undefined> {
    try {
      return await this.read();
    } catch (error) {
      this.options.logger?.debug({ err: error }, 'reading consumer lag failed; keeping the last values');
      return undefined;
    }
  }

  private async read(): Promise<Map<string, number>> {
    const { admin, groupId } = this.options;
    const assignment = this.options.partitions().filter((a) => a.partitions.length > 0);
    const lag = new Map<string, number>();
    if (assignment.length > 0) {
      const committed = await admin.fetchOffsets({ groupId, topics: assignment.map((a) => a.topic) });
      const committedAt = new Map<string, bigint>();
      for (const topic of committed) {
        for (const p of topic.partitions) committedAt.set(`${topic.topic}/${p.partition}`, BigInt(p.offset));
      }
      for (const { topic, partitions } of assignment) {
        const watermarks = await admin.fetchTopicOffsets(topic);
        for (const partition of partitions) {
          const marks = watermarks.find((w) => w.partition === partition);
          if (!marks) continue;
          const high = BigInt(marks.high);
          const low = BigInt(marks.low);
          const done = committedAt.get(`${topic}/${partition}`) ?? -1n;
          const from = done < 0n ? low : done;
          lag.set(`${topic}/${partition}`, Number(high > from ? high - from : 0n));
        }
      }
    }
    for (const key of this.reported) {
      if (!lag.has(key)) {
        const [topic, partition] = splitKey(key);
        this.gauge.remove({ topic, partition });
      }
    }
    for (const [key, value] of lag) {
      const [topic, partition] = splitKey(key);
      this.gauge.set({ topic, partition }, value);
    }
    this.reported = new Set(lag.keys());
    return lag;
  }
}

function splitKey(key: string): [string, string] {
  const slash = key.lastIndexOf('/');
  return [key.slice(0, slash), key.slice(slash + 1)];
}
