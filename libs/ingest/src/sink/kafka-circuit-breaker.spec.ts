import { eventually } from '@eventpath/dev-infra';
import { KafkaOperationError } from '@eventpath/queues';
import { Registry } from 'prom-client';
import { IngestMetrics } from '../metrics/ingest-metrics';
import { CircuitOpenError, KafkaCircuitBreaker, SendTimeoutError } from './kafka-circuit-breaker';

const unavailable = () => new KafkaOperationError('broker-unavailable', 'connection refused');

describe('KafkaCircuitBreaker', () => {
  const breakers: Array<KafkaCircuitBreaker<[], string>> = [];
  const make = (action: () => Promise<string>, options = {}) => {
    const breaker = new KafkaCircuitBreaker(action, { sendTimeoutMs: 100, resetTimeoutMs: 150, consecutiveFailures: 3, volumeThreshold: 1000, ...options });
    breakers.push(breaker);
    return breaker;
  };
  afterEach(() => breakers.splice(0).forEach((b) => b.shutdown()));

  it('opens after the configured failures in a row, then refuses at once without calling Kafka', async () => {
    let calls = 0;
    const breaker = make(async () => {
      calls++;
      throw unavailable();
    });
    for (let i = 0; i < 2; i++) await expect(breaker.fire()).rejects.toBeInstanceOf(KafkaOperationError);
    expect(breaker.state).toBe('closed');
    await expect(breaker.fire()).rejects.toBeInstanceOf(KafkaOperationError);
    expect(breaker.state).toBe('open');
    const started = performance.now();
    await expect(breaker.fire()).rejects.toBeInstanceOf(CircuitOpenError);
    expect(performance.now() - started).toBeLessThan(20);
    expect(calls).toBe(3);
  });

  it('counts a send slower than sendTimeoutMs as failed (SendTimeoutError), so a hung Kafka opens it too', async () => {
    const breaker = make(() => new Promise<string>(() => undefined));
    const started = performance.now();
    await expect(breaker.fire()).rejects.toBeInstanceOf(SendTimeoutError);
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
    await Promise.all([breaker.fire(), breaker.fire()].map((p) => expect(p).rejects.toBeInstanceOf(SendTimeoutError)));
    expect(breaker.state).toBe('open');
  });

  it('probes once half-open: a success closes it, a failure opens it again', async () => {
    let healthy = false;
    const registry = new Registry();
    const metrics = new IngestMetrics(registry);
    const breaker = make(
      async () => {
        if (!healthy) throw unavailable();
        return 'ok';
      },
      { metrics },
    );
    for (let i = 0; i < 3; i++) await breaker.fire().catch(() => undefined);
    expect(breaker.state).toBe('open');
    expect((await metrics.circuitState.get()).values[0].value).toBe(2);
    await eventually(() => breaker.state === 'half-open', 2000, 'half-open');
    await expect(breaker.fire()).rejects.toBeInstanceOf(KafkaOperationError);
    expect(breaker.state).toBe('open');
    healthy = true;
    await eventually(() => breaker.state === 'half-open', 2000, 'half-open again');
    await expect(breaker.fire()).resolves.toBe('ok');
    expect(breaker.state).toBe('closed');
    expect((await metrics.circuitState.get()).values[0].value).toBe(0);
    const transitions = (await metrics.circuitTransitions.get()).values.map((v) => [v.labels.state, v.value]);
    expect(transitions).toEqual(expect.arrayContaining([['open', 2], ['half-open', 2], ['closed', 1]]));
  });

  it('also opens on the failure rate of the rolling window, and a success resets the run of failures', async () => {
    let n = 0;
    const breaker = make(
      async () => {
        if (n++ % 2 === 0) throw unavailable();
        return 'ok';
      },
      { consecutiveFailures: 100, errorThresholdPercentage: 40, volumeThreshold: 4 },
    );
    for (let i = 0; i < 6 && breaker.state === 'closed'; i++) await breaker.fire().catch(() => undefined);
    expect(breaker.state).toBe('open');
  });

  it('does not count a message Kafka refused as too large', async () => {
    const breaker = make(async () => {
      throw new KafkaOperationError('message-too-large', 'MESSAGE_TOO_LARGE');
    });
    for (let i = 0; i < 5; i++) await expect(breaker.fire()).rejects.toMatchObject({ kind: 'message-too-large' });
    expect(breaker.state).toBe('closed');
  });
});
