import { eventually } from '@eventpath/dev-infra';
import type { TopicInfo, TopicListStore, TopicMetadataSource } from './topic-info';
import { TopicCatalogue } from './topic-catalogue';

type Metadata = Awaited<ReturnType<TopicMetadataSource['fetchTopicMetadata']>>;
const topic = (name: string, partitions: number) => ({
  name,
  partitions: Array.from({ length: partitions }, (_, i) => ({ partitionId: partitions - 1 - i, leader: 1, replicas: [1, 2], isr: [1] })),
});

/** A cluster stand-in whose topic list (or failure) the test sets. */
class FakeCluster implements TopicMetadataSource {
  reads = 0;
  answer: Metadata | Error | 'hang' = { topics: [] };
  async fetchTopicMetadata(): Promise<Metadata> {
    this.reads++;
    if (this.answer === 'hang') return new Promise(() => undefined);
    if (this.answer instanceof Error) throw this.answer;
    return this.answer;
  }
}

class MemoryStore implements TopicListStore {
  saved?: TopicInfo[];
  async load() {
    return this.saved;
  }
  async save(topics: TopicInfo[]) {
    this.saved = topics;
  }
}

describe('TopicCatalogue', () => {
  const catalogues: TopicCatalogue[] = [];
  const make = (options: ConstructorParameters<typeof TopicCatalogue>[0]) => {
    const catalogue = new TopicCatalogue({ refreshIntervalMs: 60_000, ...options });
    catalogues.push(catalogue);
    return catalogue;
  };
  afterEach(() => catalogues.splice(0).forEach((c) => c.stop()));

  it('knows the topics of the cluster with sorted partitions, without internal topics or those the config leaves out', async () => {
    const cluster = new FakeCluster();
    cluster.answer = { topics: [topic('orders', 3), topic('__consumer_offsets', 50), topic('private', 1)] };
    const catalogue = make({ source: cluster, include: (name) => name !== 'private' });
    await catalogue.start();
    expect(catalogue.known && catalogue.kafkaReachable).toBe(true);
    expect(catalogue.names()).toEqual(['orders']);
    expect(catalogue.get('orders')?.partitions.map((p) => p.partition)).toEqual([0, 1, 2]);
    expect(await catalogue.resolve('private')).toBeUndefined();
    expect(await catalogue.resolve('__consumer_offsets')).toBeUndefined();
    expect(cluster.reads).toBe(1);
  });

  it('keeps the last known list while the cluster does not answer (failing or hanging)', async () => {
    const cluster = new FakeCluster();
    cluster.answer = { topics: [topic('orders', 2)] };
    const catalogue = make({ source: cluster, fetchTimeoutMs: 50 });
    await catalogue.start();
    cluster.answer = new Error('connection refused');
    expect(await catalogue.refresh()).toBe(false);
    expect([catalogue.kafkaReachable, catalogue.lastRefreshError, catalogue.names()]).toEqual([false, 'connection refused', ['orders']]);
    cluster.answer = 'hang';
    expect(await catalogue.refresh()).toBe(false);
    expect(catalogue.lastRefreshError).toMatch(/no answer within 50 ms/);
    expect(catalogue.get('orders')).toBeDefined();
  });

  it('reads the list again for a topic it does not know, at most once per unknownTopicRefreshMs, and not while the cluster is down', async () => {
    const cluster = new FakeCluster();
    let now = 0;
    const catalogue = make({ source: cluster, unknownTopicRefreshMs: 1000, now: () => now });
    await catalogue.start();
    cluster.answer = { topics: [topic('new-topic', 1)] };
    expect(await catalogue.resolve('new-topic')).toBeDefined();
    expect(await catalogue.resolve('still-missing')).toBeUndefined();
    expect(cluster.reads).toBe(2);
    now = 2000;
    expect(await catalogue.resolve('still-missing')).toBeUndefined();
    expect(cluster.reads).toBe(3);
    cluster.answer = new Error('down');
    await catalogue.refresh();
    now = 10_000;
    await catalogue.resolve('another');
    expect(cluster.reads).toBe(4);
  });

  it('saves the list for gateways that start while the cluster is down, and uses the saved one then', async () => {
    const store = new MemoryStore();
    const up = new FakeCluster();
    up.answer = { topics: [topic('orders', 4)] };
    await make({ source: up, store }).start();
    expect((await eventually(() => store.saved, 1000, 'the list saved')).map((t) => t.name)).toEqual(['orders']);

    const down = new FakeCluster();
    down.answer = new Error('unreachable');
    const later = make({ source: down, store });
    await later.start();
    expect([later.known, later.kafkaReachable, later.get('orders')?.partitions.length]).toEqual([true, false, 4]);
    const none = make({ source: down });
    await none.start();
    expect(none.known).toBe(false);
  });
});
