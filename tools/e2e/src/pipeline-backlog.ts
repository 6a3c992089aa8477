import { Redis } from 'ioredis';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { failoverStreamKeys } from '@eventpath/queues';

/** How much is waiting at each hop of the pipeline; one client per component, kept for the run. */
export class PipelineBacklog {
  private readonly fronting: Admin;
  private readonly mainstream: Admin;
  private readonly redis: Redis;

  constructor(
    options: { frontingBootstrap: string; mainstreamBootstrap: string; redisUrl: string },
    private readonly groups: { worker: string; archiver: string },
    private readonly topics: readonly string[],
  ) {
    this.fronting = admin(options.frontingBootstrap);
    this.mainstream = admin(options.mainstreamBootstrap);
    this.redis = new Redis(options.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    this.redis.on('error', () => undefined);
  }

  /** Entries in the gateway's failover streams of the topics (libs/queues' keys). */
  async failoverDepth(): Promise<number> {
    const lengths = await Promise.all(this.topics.map((topic) => this.redis.xlen(failoverStreamKeys(topic).stream)));
    return lengths.reduce((a, b) => a + b, 0);
  }

  /** Fronting records the worker's group has not committed. */
  workerBacklog(): Promise<number> {
    return groupBacklog(this.fronting, this.groups.worker, this.topics);
  }

  /** Mainstream records the archiver's group has not committed. */
  archiverBacklog(): Promise<number> {
    return groupBacklog(this.mainstream, this.groups.archiver, this.topics);
  }

  /**
   * Waits until nothing is waiting anywhere: failover streams empty, both
   * groups committed up to the end of every partition. Fails when the total
   * has not shrunk for `stallMs` (progress is measured in records, not in
   * wall time: a loaded machine drains slowly, a stuck pipeline not at all).
   */
  async untilDrained(stallMs: number): Promise<void> {
    let best = Infinity;
    let bestAt = Date.now();
    let last = 'not read yet';
    for (;;) {
      try {
        const [streams, worker, archiver] = await Promise.all([this.failoverDepth(), this.workerBacklog(), this.archiverBacklog()]);
        last = `failover streams ${streams}, worker backlog ${worker}, archiver backlog ${archiver}`;
        const total = streams + worker + archiver;
        if (total === 0) return;
        if (total < best) [best, bestAt] = [total, Date.now()];
      } catch (error) {
        last = `${last}; last read failed: ${String(error)}`;
      }
      if (Date.now() - bestAt > stallMs) throw new Error(`the pipeline stopped draining: nothing shrank for ${stallMs} ms (${last})`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  /** Records in a fronting topic, e.g. the worker's dead-letter topic. */
  async frontingRecords(topic: string): Promise<number> {
    await this.fronting.connect();
    const ends = await this.fronting.fetchTopicOffsets(topic);
    return ends.reduce((n, end) => n + Number(end.high) - Number(end.low), 0);
  }

  async close(): Promise<void> {
    this.redis.disconnect();
    await Promise.allSettled([this.fronting.disconnect(), this.mainstream.disconnect()]);
  }
}

function admin(bootstrap: string): Admin {
  return new Kafka({ brokers: bootstrap.split(','), clientId: 'e2e-backlog', logLevel: logLevel.NOTHING, connectionTimeout: 1000, requestTimeout: 3000, retry: { retries: 1, initialRetryTime: 100 } }).admin();
}

/** Records a group has not committed yet, over every partition of the topics (its committed offset, or the log start). */
async function groupBacklog(client: Admin, groupId: string, topics: readonly string[]): Promise<number> {
  await client.connect();
  let backlog = 0;
  for (const topic of topics) {
    const [ends, committed] = await Promise.all([client.fetchTopicOffsets(topic), client.fetchOffsets({ groupId, topics: [topic] })]);
    const done = new Map(committed[0].partitions.map((p) => [p.partition, Number(p.offset)]));
    for (const end of ends) backlog += Number(end.high) - Math.max(done.get(end.partition) ?? -1, Number(end.low));
  }
  return backlog;
}
