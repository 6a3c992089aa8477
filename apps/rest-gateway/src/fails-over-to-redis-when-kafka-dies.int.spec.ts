import { canStartApacheKafka, eventually, type ApacheKafka, type DevRedis } from '@eventpath/dev-infra';
import type { RunningRestGateway } from './rest-gateway';
import { startGatewayOnOwnCluster, type GatewayOnOwnCluster } from './test-support/gateway-on-own-cluster';
import { FAST_FAILURE_ENV } from './test-support/gateway-under-test';
import { request } from './test-support/http-client';
import { idsInFailoverStream, idsInTopic } from './test-support/read-back';
import { SteadyLoad } from './test-support/steady-load';

/**
 * The switch bound of the issue: once the fronting broker is gone (killed
 * or hung), requests are answered from the failover stream within 1 s.
 * GATEWAY_CHAOS_LONG=1 keeps each outage up longer, with more load.
 */
const SWITCH_BOUND_MS = 1000;
const LONG = process.env['GATEWAY_CHAOS_LONG'] === '1';
const OUTAGE_REQUESTS = LONG ? 2000 : 60;
const TOPIC = 'events';

const describeOnApacheKafka = canStartApacheKafka() ? describe : describe.skip;

// The broker is killed and hung here, so the file has an Apache Kafka node of its own.
describeOnApacheKafka('fails over to the Redis stream when the fronting Kafka dies, and back when it returns', () => {
  let setup: GatewayOnOwnCluster;
  let cluster: ApacheKafka;
  let redis: DevRedis;
  let gateway: RunningRestGateway;

  beforeAll(async () => {
    setup = await startGatewayOnOwnCluster({ brokers: 1, topics: [`${TOPIC}:4`] }, FAST_FAILURE_ENV);
    ({ cluster, redis, gateway } = setup);
  }, 180_000);
  afterAll(() => setup?.stop());

  const circuitState = async () => {
    const metrics = (await request(`${gateway.opsUrl}/metrics`)).text;
    return Number(/^eventpath_gateway_circuit_state\{[^}]*\} (\d)/m.exec(metrics)?.[1]);
  };

  /** Runs load through an outage made by `breakKafka`, ended by `repairKafka`, and checks every guarantee of the switch. */
  async function outage(idPrefix: string, breakKafka: () => Promise<void> | void, repairKafka: () => Promise<void> | void) {
    const load = new SteadyLoad(() => gateway.httpUrl, TOPIC, { idPrefix, concurrency: LONG ? 8 : 4 });
    load.start();
    let broken = false;
    try {
      await eventually(() => load.answeredAfter(0, 'kafka').length >= 20, 30_000, 'load reaching Kafka before the outage');
      const killStarted = Date.now();
      await breakKafka();
      broken = true;
      // The broker is gone once the kill returned (it may have died a little earlier: the exit takes a moment to be seen).
      const brokenAt = Date.now();
      const firstFailover = await eventually(() => load.answeredAfter(brokenAt, 'failover')[0], 30_000, 'an answer from the failover stream');
      const failedOverBy = load.requests.length;
      await eventually(() => load.requests.length >= failedOverBy + OUTAGE_REQUESTS, 120_000, 'requests during the outage');
      // Open, or half-open while a probe is out (every BREAKER_RESET_MS): not sending to Kafka.
      expect([1, 2]).toContain(await circuitState());
      // Redis can take events, so the gateway stays ready while it fails over.
      expect((await request(`${gateway.opsUrl}/readyz`)).status).toBe(200);

      // Every request in flight at the outage or sent during it was answered within the bound.
      const duringOutage = load.inFlightOrAfter(brokenAt);
      const slowest = Math.max(...duringOutage.map((r) => r.answeredAt - Math.max(r.sentAt, brokenAt)));
      const switchMs = firstFailover.answeredAt - brokenAt;
      console.log(
        `${idPrefix}: the kill took ${brokenAt - killStarted} ms; switch ${switchMs} ms; slowest answer during the outage ${slowest} ms; ${duringOutage.length} requests`,
      );
      expect(switchMs).toBeLessThanOrEqual(SWITCH_BOUND_MS);
      expect(slowest).toBeLessThanOrEqual(SWITCH_BOUND_MS);

      const repairedAt = Date.now();
      broken = false;
      await repairKafka();
      await eventually(() => load.answeredAfter(repairedAt, 'kafka').length >= 10, 60_000, 'traffic back on Kafka after the repair');
      expect(await circuitState()).toBe(0);
    } finally {
      if (broken) await repairKafka();
      await load.stop();
    }

    // Redis stayed up the whole time: no 5xx and no request without an answer.
    const failed = load.requests.filter((r) => r.status !== 200);
    expect(failed).toEqual([]);
    const acknowledged = load.acknowledged();
    const [inKafka, inStream] = await Promise.all([idsInTopic(cluster.bootstrap, TOPIC), idsInFailoverStream(redis.url, TOPIC)]);
    const missing = [...acknowledged].filter(([id, where]) => !(where === 'kafka' ? inKafka : inStream).has(id));
    expect(missing).toEqual([]);
    expect([...acknowledged.values()].filter((where) => where === 'failover').length).toBeGreaterThanOrEqual(OUTAGE_REQUESTS);
  }

  it('a SIGKILLed broker: within 1 s every request is answered from the stream, no 5xx, every acknowledged id stored; the breaker closes when it returns', async () => {
    await outage(
      'killed',
      () => cluster.kill(1),
      () => cluster.restart(1),
    );
  }, 300_000);

  it('a SIGSTOPped (hung) broker: the send timeout switches within the same bound; the breaker closes on resume', async () => {
    await outage(
      'hung',
      () => cluster.pause(1),
      () => cluster.resume(1),
    );
  }, 300_000);
});
