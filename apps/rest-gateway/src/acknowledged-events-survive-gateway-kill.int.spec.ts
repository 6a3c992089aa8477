import { eventually, startRedis, useTestKafka, type DevRedis, type TestKafka } from '@eventpath/dev-infra';
import { FAST_FAILURE_ENV, gatewayEnv } from './test-support/gateway-under-test';
import { startGatewayProcess, type GatewayProcess } from './test-support/gateway-process';
import { postEvents, type NativeAnswer } from './test-support/http-client';
import { idsInFailoverStream, idsInTopic } from './test-support/read-back';
import { SteadyLoad } from './test-support/steady-load';

/** GATEWAY_CHAOS_LONG=1: more kills, each after more load. */
const LONG = process.env['GATEWAY_CHAOS_LONG'] === '1';
const KILLS = LONG ? 6 : 2;
const ACKS_BEFORE_KILL = LONG ? 2000 : 150;

describe('kill -9 of the gateway under load: every event answered 200 is in Kafka or the failover stream', () => {
  let kafka: TestKafka;
  let redis: DevRedis;
  let gateway: GatewayProcess | undefined;

  beforeAll(async () => {
    [kafka, redis] = await Promise.all([useTestKafka(), startRedis()]);
  }, 120_000);
  afterAll(async () => {
    await gateway?.kill();
    await redis?.stop();
    await kafka?.release();
  });

  it('loses no acknowledged event, however the process dies, and serves again after a restart', async () => {
    const topic = await kafka.createUniqueTopic('gateway-kill', 4);
    const env = gatewayEnv({ bootstrap: kafka.bootstrap, redisUrl: redis.url, env: { ...FAST_FAILURE_ENV, FRONTING_LINGER_MS: '5' } });
    // Odd rounds give Kafka 1 ms to acknowledge, so their events go through the failover stream: both paths are cut mid-flight.
    const failoverEnv = { ...env, FRONTING_SEND_TIMEOUT_MS: '1' };
    const loads: SteadyLoad[] = [];
    for (let round = 0; round < KILLS; round++) {
      gateway = await startGatewayProcess(round % 2 === 0 ? env : failoverEnv);
      const url = gateway.url;
      const load = new SteadyLoad(() => url, topic, { idPrefix: `round-${round}`, concurrency: 8, pauseMs: 0 });
      loads.push(load);
      load.start();
      await eventually(() => load.acknowledged().size >= ACKS_BEFORE_KILL, 120_000, 'acknowledged events before the kill');
      await gateway.kill();
      await load.stop();
      // Requests cut by the kill got no answer; none got an error status.
      expect(load.requests.filter((r) => r.status !== 200 && r.status !== 0)).toEqual([]);
      expect(load.requests.some((r) => r.status === 0)).toBe(true);
    }

    gateway = await startGatewayProcess(env);
    const after = await postEvents<NativeAnswer>(gateway.url, topic, { id: 'after-restart', value: 1 });
    expect(after.status).toBe(200);

    const [inKafka, inStream] = await Promise.all([idsInTopic(kafka.bootstrap, topic), idsInFailoverStream(redis.url, topic)]);
    const acknowledged = loads.flatMap((load) => [...load.acknowledged()]);
    const missing = acknowledged.filter(([id, where]) => !(where === 'kafka' ? inKafka : inStream).has(id));
    expect(missing).toEqual([]);
    expect(acknowledged.filter(([, where]) => where === 'kafka').length).toBeGreaterThan(ACKS_BEFORE_KILL / 2);
    expect(acknowledged.filter(([, where]) => where === 'failover').length).toBeGreaterThan(ACKS_BEFORE_KILL / 2);
    console.log(
      `${acknowledged.length} acknowledged events (${acknowledged.filter(([, w]) => w === 'failover').length} through the failover stream) over ${KILLS} kill(s), all stored`,
    );
  }, 300_000);
});
