import type { Logger } from 'pino';
import type { IngestMetrics } from '../metrics/ingest-metrics';
import type { TopicInfo, TopicListStore, TopicMetadataSource } from './topic-info';
import { isInternalTopic } from './topic-name';

export interface TopicCatalogueOptions {
  source: TopicMetadataSource;
  /** How often the list is read again. Default 30 000 ms. */
  refreshIntervalMs?: number;
  /** A request for a topic not in the list reads it again at most this often (a topic just created). Default 2000 ms. */
  unknownTopicRefreshMs?: number;
  /** Most time one read of the list may take before it counts as failed. Default 5000 ms. */
  fetchTimeoutMs?: number;
  /** Where the last known list is kept for gateways that start during an outage. */
  store?: TopicListStore;
  /** Which topics the gateway accepts at all (its config); every non-internal topic when unset. */
  include?: (topic: string) => boolean;
  metrics?: IngestMetrics;
  logger?: Logger;
  now?: () => number;
}

/**
 * The topics of the fronting cluster the gateway accepts, with their
 * partitions: read at start, refreshed on a timer and when a request names a
 * topic not in the list (rate-limited), never created. A read that fails
 * keeps the last known list, so during an outage requests for known topics
 * still fail over to Redis; a gateway that starts during an outage takes the
 * list another one saved in the `store`.
 */
export class TopicCatalogue {
  private topics = new Map<string, TopicInfo>();
  private loaded = false;
  private reachable = false;
  private lastError: string | undefined;
  private lastForcedAt = Number.NEGATIVE_INFINITY;
  private refreshing: Promise<boolean> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private savedJson: string | undefined;
  private readonly now: () => number;

  constructor(private readonly options: TopicCatalogueOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Reads the list (or the stored one if the cluster does not answer) and starts refreshing. Never rejects. */
  async start(): Promise<void> {
    if (!(await this.refresh()) && this.options.store) {
      try {
        const stored = await this.options.store.load();
        if (stored && !this.loaded) {
          this.replace(stored);
          this.options.logger?.warn({ topics: stored.length }, 'fronting Kafka unreachable at start: using the topic list saved by a gateway before');
        }
      } catch (error) {
        this.options.logger?.warn({ err: error }, 'could not read the saved topic list');
      }
    }
    this.timer = setInterval(() => void this.refresh(), this.options.refreshIntervalMs ?? 30_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Whether a topic list is known (from the cluster or the store). */
  get known(): boolean {
    return this.loaded;
  }

  /** Whether the last read of the cluster's list succeeded. */
  get kafkaReachable(): boolean {
    return this.reachable;
  }

  /** Why the last read failed, if it did. */
  get lastRefreshError(): string | undefined {
    return this.lastError;
  }

  /** The topic, if the gateway accepts it and the last known list has it. */
  get(name: string): TopicInfo | undefined {
    return this.topics.get(name);
  }

  /** Accepted topics, sorted. */
  names(): string[] {
    return [...this.topics.keys()].sort();
  }

  /**
   * The topic; when it is not in the list and the cluster answered last
   * time, the list is read again first (at most every `unknownTopicRefreshMs`),
   * so a topic created a moment ago is found.
   */
  async resolve(name: string): Promise<TopicInfo | undefined> {
    const known = this.topics.get(name);
    if (known || (this.options.include && !this.options.include(name)) || isInternalTopic(name)) return known;
    const now = this.now();
    if ((this.reachable || !this.loaded) && now - this.lastForcedAt >= (this.options.unknownTopicRefreshMs ?? 2000)) {
      this.lastForcedAt = now;
      await this.refresh();
    } else if (this.refreshing) await this.refreshing;
    return this.topics.get(name);
  }

  /** Reads the list now (shared by concurrent callers); resolves to whether the cluster answered. */
  refresh(): Promise<boolean> {
    return (this.refreshing ??= this.read().finally(() => (this.refreshing = undefined)));
  }

  private async read(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeoutMs = this.options.fetchTimeoutMs ?? 5000;
    try {
      const { topics } = await Promise.race([
        this.options.source.fetchTopicMetadata(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      const list = topics.map((topic) => ({
        name: topic.name,
        partitions: topic.partitions
          .map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: [...p.replicas], isr: [...p.isr] }))
          .sort((a, b) => a.partition - b.partition),
      }));
      this.replace(list);
      if (!this.reachable) this.options.logger?.info({ topics: this.topics.size }, 'fronting Kafka topic list read');
      this.reachable = true;
      this.lastError = undefined;
      void this.save(list);
      return true;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (this.reachable || this.lastError === undefined) {
        this.options.logger?.warn({ reason }, 'could not read the fronting Kafka topic list; the last known list stays in use');
      }
      this.reachable = false;
      this.lastError = reason;
      this.options.metrics?.topicRefreshFailures.inc();
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  private replace(list: TopicInfo[]): void {
    const include = this.options.include;
    const topics = new Map<string, TopicInfo>();
    for (const topic of list) {
      if (isInternalTopic(topic.name) || (include && !include(topic.name)) || topic.partitions.length === 0) continue;
      topics.set(topic.name, topic);
    }
    this.topics = topics;
    this.loaded = true;
    this.options.metrics?.topicsKnown.set(topics.size);
  }

  private async save(list: TopicInfo[]): Promise<void> {
    if (!this.options.store) return;
    const json = JSON.stringify(list.map((t) => [t.name, t.partitions.length]));
    if (json === this.savedJson) return;
    try {
      await this.options.store.save(list);
      this.savedJson = json;
    } catch (error) {
      this.options.logger?.debug({ err: error }, 'could not save the topic list');
    }
  }
}
