import { canStartApacheKafka, eventually, type ApacheKafka, type DevRedis } from '@eventpath/dev-infra';
import type { RunningRestGateway } from './rest-gateway';
import { startGatewayOnOwnCluster, type GatewayOnOwnCluster } from './test-support/gateway-on-own-cluster';
import { FAST_FAILURE_ENV, startGatewayUnderTest } from './test-support/gateway-under-test';
import { postEvents, request, type NativeAnswer } from './test-support/http-client';
import { idsInFailoverStream, idsInTopic, readFailoverStream } from './test-support/read-back';
import { SteadyLoad } from './test-support/steady-load';

const describeOnApacheKafka = canStartApacheKafka() ? describe : describe.skip;

// The broker is killed here, so the file has an Apache Kafka node of its own.
describeOnApacheKafka('answers 503, never 200, for events neither the fronting Kafka nor the failover stream took', () => {
  let setup: GatewayOnOwnCluster;
  let cluster: ApacheKafka;
  let redis: DevRedis;
  let gateway: RunningRestGateway;

  beforeAll(async () => {
    setup = await startGatewayOnOwnCluster({ brokers: 1, topics: ['events:2', 'capped:2'] }, FAST_FAILURE_ENV);
    ({ cluster, redis, gateway } = setup);
  }, 180_000);
  afterAll(() => setup?.stop());

  it('with Kafka and Redis both down answers 503 with Retry-After naming every event not accepted; nothing acknowledged is missing afterwards', async () => {
    const load = new SteadyLoad(() => gateway.httpUrl, 'events', { idPrefix: 'both-down' });
    load.start();
    try {
      await eventually(() => load.answeredAfter(0, 'kafka').length >= 10, 30_000, 'load on Kafka');
      await cluster.kill(1);
      const kafkaDownAt = Date.now();
      await eventually(() => load.answeredAfter(kafkaDownAt, 'failover').length >= 10, 30_000, 'load on the failover stream');
      await redis.kill();
      const redisDownAt = Date.now();
      await eventually(() => load.requests.filter((r) => r.status === 503 && r.sentAt > redisDownAt).length >= 10, 30_000, '503 answers');

      const native = await postEvents<NativeAnswer>(gateway.httpUrl, 'events', { events: [{ id: 'lost-a', value: 1 }, { id: 'lost-b', value: 2 }] });
      expect(native.status).toBe(503);
      expect(native.headers.get('retry-after')).toBe('2');
      expect(native.body.notAccepted).toEqual([
        { index: 0, id: 'lost-a', reason: expect.stringMatching(/failover stream/) },
        { index: 1, id: 'lost-b', reason: expect.stringMatching(/failover stream/) },
      ]);
      expect(native.body.results.map((r) => r.status)).toEqual(['not-accepted', 'not-accepted']);

      const proxy = await request<{ error_code: number; offsets: Array<{ error_code: number | null }> }>(`${gateway.httpUrl}/topics/events`, {
        body: JSON.stringify({ records: [{ value: 'eA==' }] }),
        headers: { 'content-type': 'application/vnd.kafka.binary.v2+json' },
      });
      expect(proxy.status).toBe(503);
      expect(proxy.headers.get('retry-after')).toBe('2');
      expect(proxy.body).toMatchObject({ error_code: 50003, offsets: [{ partition: null, offset: null, error_code: 50003, error: expect.any(String) }] });

      const readiness = await request<{ failures: Record<string, string> }>(`${gateway.opsUrl}/readyz`);
      expect(readiness.status).toBe(503);
      expect(readiness.body.failures['durable-sink']).toMatch(/neither the fronting Kafka .* nor the failover Redis/);
    } finally {
      await Promise.all([redis.restart(), cluster.restart(1)]);
      await eventually(async () => (await request(`${gateway.opsUrl}/readyz`)).status === 200, 60_000, 'the gateway ready again');
      await load.stop();
    }

    // A 200 only ever for durable events; 503 otherwise; never another 5xx.
    expect(load.requests.filter((r) => r.status === 200 && r.outcomes.includes('not-accepted'))).toEqual([]);
    expect(load.requests.filter((r) => r.status >= 500 && r.status !== 503)).toEqual([]);
    const acknowledged = load.acknowledged();
    // The stream survived Redis's SIGKILL through its AOF.
    const [inKafka, inStream] = await Promise.all([idsInTopic(cluster.bootstrap, 'events'), idsInFailoverStream(redis.url, 'events')]);
    expect([...acknowledged].filter(([id, where]) => !(where === 'kafka' ? inKafka : inStream).has(id))).toEqual([]);
    expect(inKafka.has('lost-a') || inStream.has('lost-a')).toBe(false);
  }, 300_000);

  it('answers 503 once the stream of a topic is at its cap, and evicts nothing stored', async () => {
    // A gateway started while its fronting Kafka is unreachable knows the topics from the list another gateway saved in Redis.
    const capped = await startGatewayUnderTest({
      bootstrap: '127.0.0.1:1',
      redisUrl: redis.url,
      env: { ...FAST_FAILURE_ENV, FAILOVER_MAX_ENTRIES_PER_STREAM: '20' },
    });
    const accepted: string[] = [];
    try {
      expect((await request<{ topics: string[] }>(`${capped.httpUrl}/v1/topics`)).body.topics).toEqual(['capped', 'events']);
      let answer: Awaited<ReturnType<typeof postEvents<NativeAnswer>>> | undefined;
      for (let i = 0; i < 10; i++) {
        const events = Array.from({ length: 3 }, (_, j) => ({ id: `capped-${i}-${j}`, value: { i, j } }));
        answer = await postEvents<NativeAnswer>(capped.httpUrl, 'capped', { events });
        if (answer.status !== 200) break;
        expect(answer.body.results.every((r) => r.status === 'failover')).toBe(true);
        accepted.push(...events.map((e) => e.id));
      }
      // 6 requests of 3 fit under a cap of 20; the 7th would pass it and is refused whole.
      expect(accepted).toHaveLength(18);
      expect(answer?.status).toBe(503);
      expect(answer?.body.notAccepted?.map((e) => e.index)).toEqual([0, 1, 2]);
      expect(answer?.body.notAccepted?.[0].reason).toMatch(/full \(entries\)/);
      const stored = await readFailoverStream(redis.url, 'capped');
      expect(stored.map((entry) => entry.id)).toEqual(accepted);
    } finally {
      await capped.stop();
    }
  }, 180_000);
});
