import { canStartApacheKafka, eventually, type ApacheKafka, type DevRedis } from '@eventpath/dev-infra';
import { Partitioners } from 'kafkajs';
import type { RunningRestGateway } from './rest-gateway';
import { startGatewayOnOwnCluster, type GatewayOnOwnCluster } from './test-support/gateway-on-own-cluster';
import { postEvents, type NativeAnswer } from './test-support/http-client';
import { readFailoverStream, readTopic } from './test-support/read-back';

const describeOnApacheKafka = canStartApacheKafka() ? describe : describe.skip;
const PARTITIONS = 3;

/** Keys the Java-compatible partitioner puts on `partition`. */
function keysFor(partition: number, count: number): string[] {
  const partitionMetadata = Array.from({ length: PARTITIONS }, (_, partitionId) => ({ partitionId, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0 }));
  const choose = Partitioners.DefaultPartitioner();
  const keys: string[] = [];
  for (let i = 0; keys.length < count; i++) {
    if (choose({ topic: 'spread', partitionMetadata, message: { key: Buffer.from(`key-${i}`), value: null } }) === partition) keys.push(`key-${i}`);
  }
  return keys;
}

// A node of three is killed, so the file has a cluster of its own.
describeOnApacheKafka('a request Kafka took only in part: the rest goes to the failover stream, and the answer says where each event went', () => {
  let setup: GatewayOnOwnCluster;
  let cluster: ApacheKafka;
  let redis: DevRedis;
  let gateway: RunningRestGateway;

  beforeAll(async () => {
    // Replication 1: each partition lives on one node, so a dead node fails exactly its partitions.
    // The dead leader's requests fail at once (connection refused, no retries), well before the send timeout,
    // so the producer reports which events were written; the breaker stays closed for the test.
    setup = await startGatewayOnOwnCluster(
      { brokers: 3, topics: [{ name: 'spread', partitions: PARTITIONS, replicationFactor: 1 }] },
      { FRONTING_KAFKA_RETRIES: '0', FRONTING_KAFKA_CONNECTION_TIMEOUT_MS: '500', FRONTING_SEND_TIMEOUT_MS: '5000', BREAKER_CONSECUTIVE_FAILURES: '100' },
    );
    ({ cluster, redis, gateway } = setup);
  }, 240_000);
  afterAll(() => setup?.stop());

  it('sends only the events of the dead leader to Redis and reports the others with their Kafka offsets', async () => {
    const { partitions } = await cluster.describeTopic('spread');
    const events = (tag: string) =>
      [0, 1, 2].flatMap((partition) => keysFor(partition, 2).map((key, i) => ({ id: `${tag}-p${partition}-${i}`, key, value: { partition } })));
    // Connections to every leader are open and metadata is known before the node dies: a new
    // topic's leader may answer "does not host" for a moment (those events fail over, as they should).
    let attempt = 0;
    await eventually(
      async () => {
        const warm = await postEvents<NativeAnswer>(gateway.httpUrl, 'spread', { events: events(`warm${attempt++}`) });
        return warm.body.results.every((r) => r.status === 'kafka');
      },
      60_000,
      'a request whose events all reach Kafka',
    );

    const victim = partitions.find((p) => p.partition === 1)!.leader;
    const deadPartitions = new Set(partitions.filter((p) => p.leader === victim).map((p) => p.partition));
    const partitionOf = (key: string) => [0, 1, 2].find((p) => keysFor(p, 2).includes(key))!;
    let answer: Awaited<ReturnType<typeof postEvents<NativeAnswer>>>;
    await cluster.kill(victim);
    try {
      answer = await postEvents<NativeAnswer>(gateway.httpUrl, 'spread', { events: events('split') });
    } finally {
      await cluster.restart(victim);
    }
    expect(answer.status).toBe(200);
    expect(answer.body.results.map((r) => [r.id, r.status, r.partition])).toEqual(
      events('split').map((e) => (deadPartitions.has(partitionOf(e.key)) ? [e.id, 'failover', undefined] : [e.id, 'kafka', partitionOf(e.key)])),
    );
    const reported = (status: string) => answer.body.results.filter((r) => r.status === status).map((r) => r.id).sort();
    // Exactly the events the dead leader did not take are in the stream; exactly the others are in Kafka.
    const inStream = (await readFailoverStream(redis.url, 'spread')).map((entry) => entry.id).filter((id) => id.startsWith('split-'));
    expect(inStream.sort()).toEqual(reported('failover'));
    const inKafka = (await readTopic(cluster.bootstrap, 'spread')).map((r) => r.headers['eventpath-event-id']).filter((id) => id.startsWith('split-'));
    expect(inKafka.sort()).toEqual(reported('kafka'));
  }, 240_000);
});
