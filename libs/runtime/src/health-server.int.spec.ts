import { Counter } from 'prom-client';
import { startHealthServer, type HealthServer } from './health-server';
import { createMetricsRegistry } from './metrics-registry';

describe('health server over real HTTP', () => {
  let server: HealthServer;
  let kafkaReachable = true;

  beforeAll(async () => {
    const registry = createMetricsRegistry('test-app');
    new Counter({ name: 'eventpath_test_events_total', help: 'events', registers: [registry] }).inc(3);
    server = await startHealthServer({
      port: 0,
      host: '127.0.0.1',
      registry,
      readiness: {
        kafka: async () => {
          if (!kafkaReachable) throw new Error('connection refused');
        },
      },
    });
  });
  afterAll(() => server.close());

  it('answers liveness', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
  });

  it('reports readiness from the checks, naming the failing one', async () => {
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    kafkaReachable = false;
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'not ready', failures: { kafka: 'connection refused' } });
    kafkaReachable = true;
  });

  it('serves Prometheus metrics with the app label and process metrics', async () => {
    const res = await fetch(`${server.url}/metrics`);
    const text = await res.text();
    expect(text).toContain('eventpath_test_events_total{app="test-app"} 3');
    expect(text).toContain('eventpath_process_resident_memory_bytes');
  });

  it('answers 404 with JSON for unknown paths', async () => {
    const res = await fetch(`${server.url}/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'no such endpoint: /nope' });
  });
});
