import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { ApiKeyAuthenticator } from '../auth/api-key-authenticator';
import { DEFAULT_INGEST_LIMITS } from '../events/ingest-limits';
import type { IngestEvent } from '../events/ingest-event';
import { PrincipalRateLimiter } from '../limits/principal-rate-limiter';
import { IngestMetrics } from '../metrics/ingest-metrics';
import type { EventOutcome, EventSink } from '../sink/event-outcome';
import type { TopicInfo } from '../topics/topic-info';
import { TopicValueCodecs } from '../values/topic-value-codecs';
import { createIngestApp } from './ingest-app';

const topic: TopicInfo = { name: 'events', partitions: [0, 1].map((partition) => ({ partition, leader: 1, replicas: [1], isr: [1] })) };

/** A sink stand-in answering each event with the next scripted outcome. */
class ScriptedSink implements EventSink {
  outcomes: EventOutcome[] = [];
  written: IngestEvent[] = [];
  async write(_topic: string, events: readonly IngestEvent[]): Promise<EventOutcome[]> {
    this.written.push(...events);
    return events.map((_, i) => this.outcomes[i] ?? { status: 'kafka', partition: 0, offset: String(i) });
  }
}

describe('createIngestApp', () => {
  let server: Server;
  let url: string;
  const sink = new ScriptedSink();
  const registry = new Registry();

  beforeAll(async () => {
    const app = createIngestApp({
      sink,
      topics: { known: true, resolve: async (name) => (name === 'events' ? topic : undefined), get: () => topic, names: () => ['events'] },
      authenticator: new ApiKeyAuthenticator(undefined),
      rateLimiter: new PrincipalRateLimiter(),
      codecs: new TopicValueCodecs(),
      limits: DEFAULT_INGEST_LIMITS,
      maxBodyBytes: 1024,
      retryAfterSeconds: 3,
      metrics: new IngestMetrics(registry),
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => (sink.outcomes = []));

  const post = (path: string, body: unknown, contentType = 'application/json') =>
    fetch(`${url}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': contentType } });

  it('answers 200 with where each event went when all are durable', async () => {
    sink.outcomes = [{ status: 'kafka', partition: 1, offset: '7' }, { status: 'failover' }];
    const response = await post('/v1/topics/events/events', { events: [{ id: 'a', value: 1 }, { id: 'b', value: 2 }] });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ results: [{ id: 'a', status: 'kafka', partition: 1, offset: 7 }, { id: 'b', status: 'failover' }] });
  });

  it('answers 503 with Retry-After naming the events not accepted, on both APIs', async () => {
    sink.outcomes = [{ status: 'kafka', partition: 0, offset: '1' }, { status: 'not-accepted', reason: 'Redis down', retriable: true }];
    const native = await post('/v1/topics/events/events', { events: [{ id: 'a', value: 1 }, { id: 'b', value: 2 }] });
    expect([native.status, native.headers.get('retry-after')]).toEqual([503, '3']);
    expect(await native.json()).toMatchObject({ code: 'not-accepted', notAccepted: [{ index: 1, id: 'b', reason: 'Redis down' }] });

    sink.outcomes = [{ status: 'failover' }, { status: 'not-accepted', reason: 'Redis down', retriable: true }];
    const proxy = await post('/topics/events', { records: [{ value: 'eA==' }, { value: 'eQ==' }] }, 'application/vnd.kafka.binary.v2+json');
    expect([proxy.status, proxy.headers.get('retry-after'), proxy.headers.get('content-type')]).toEqual([503, '3', 'application/vnd.kafka.v2+json; charset=utf-8']);
    expect(await proxy.json()).toMatchObject({
      error_code: 50003,
      offsets: [
        { partition: null, offset: null, error_code: null, error: null },
        { partition: null, offset: null, error_code: 50003, error: 'Redis down' },
      ],
    });
  });

  it('answers unknown paths and malformed URLs in JSON, and counts requests by route and status', async () => {
    expect((await fetch(`${url}/nope`)).status).toBe(404);
    expect((await fetch(`${url}/topics/%E0%A4%A`, { headers: { accept: 'application/json' } })).status).toBe(400);
    expect((await post('/v1/topics/events/events', { value: 'x'.repeat(2000) })).status).toBe(413);
    const metrics = await registry.metrics();
    expect(metrics).toMatch(/eventpath_gateway_requests_total\{route="native",status="413"\} 1/);
    expect(metrics).toMatch(/eventpath_gateway_requests_total\{route="other",status="404"\} 1/);
  });
});
