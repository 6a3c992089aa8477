import { buildGatewayRequest, outcomeOfAnswer } from './gateway-requests';
import { sampleEvent } from './sample-events';
import { loadSampleEncoder, ORDER_PLACED, PAGE_VIEWED } from './sample-schema';

const encoder = loadSampleEncoder();
const events = (n: number, type = PAGE_VIEWED) => Array.from({ length: n }, (_, i) => sampleEvent(type, `id-${i}`, Date.UTC(2026, 0, 1), () => 0.5));

describe('outcomeOfAnswer', () => {
  it('counts native results by durability level', () => {
    const body = { results: [{ status: 'kafka' }, { status: 'failover' }, { status: 'kafka' }] };
    expect(outcomeOfAnswer('native', 3, 200, body, 5)).toEqual({ events: 3, kafka: 2, failover: 1, failures: {}, latencyMs: 5 });
  });

  it('counts the durable events of a 503 and fails the others under 503', () => {
    const body = { code: 'not-accepted', results: [{ status: 'failover' }], notAccepted: [{ index: 1 }, { index: 2 }] };
    expect(outcomeOfAnswer('native', 3, 503, body, 1)).toMatchObject({ kafka: 0, failover: 1, failures: { '503': 2 } });
  });

  it('reads REST Proxy offsets: a null offset without an error is a failover, an error_code is not durable', () => {
    const body = { offsets: [{ partition: 1, offset: 7, error_code: null }, { partition: null, offset: null, error_code: null }, { partition: null, offset: null, error_code: 50003 }] };
    expect(outcomeOfAnswer('rest-proxy', 3, 503, body, 1)).toMatchObject({ kafka: 1, failover: 1, failures: { '503': 1 } });
  });

  it('fails every event of a refused request under its status', () => {
    expect(outcomeOfAnswer('native', 4, 422, { problems: [] }, 1)).toMatchObject({ kafka: 0, failover: 0, failures: { '422': 4 } });
    expect(outcomeOfAnswer('rest-proxy', 2, 404, undefined, 1)).toMatchObject({ failures: { '404': 2 } });
  });
});

describe('buildGatewayRequest', () => {
  it('posts a single JSON event with its id and key to the native API', () => {
    const [event] = events(1);
    const request = buildGatewayRequest({ topic: 'events', api: 'native-json', size: 1, protobuf: false }, [event], encoder);
    expect(request.path).toBe('/v1/topics/events/events');
    expect(JSON.parse(request.body as string)).toEqual({ id: 'id-0', key: event.key, value: event.value });
  });

  it('posts NDJSON one event per line', () => {
    const request = buildGatewayRequest({ topic: 'events', api: 'native-ndjson', size: 3, protobuf: false }, events(3), encoder);
    expect(request.headers['content-type']).toBe('application/x-ndjson');
    expect((request.body as string).trimEnd().split('\n').map((line) => JSON.parse(line).id)).toEqual(['id-0', 'id-1', 'id-2']);
  });

  it('posts a protobuf body with the id and key in headers', () => {
    const [event] = events(1, ORDER_PLACED);
    const request = buildGatewayRequest({ topic: 'orders', api: 'native-protobuf', size: 1, protobuf: true }, [event], encoder);
    expect(request.headers).toMatchObject({ 'content-type': 'application/x-protobuf', 'x-event-id': 'id-0', 'x-event-key': event.key });
    expect(request.body).toEqual(encoder.encode(ORDER_PLACED, event.value));
  });

  it('posts protobuf batches as REST Proxy binary records (base64 key and value)', () => {
    const batch = events(2, ORDER_PLACED);
    const request = buildGatewayRequest({ topic: 'orders', api: 'rest-proxy-binary', size: 2, protobuf: true }, batch, encoder);
    expect(request.path).toBe('/topics/orders');
    const { records } = JSON.parse(request.body as string) as { records: Array<{ key: string; value: string }> };
    expect(records.map((record) => Buffer.from(record.value, 'base64'))).toEqual(batch.map((event) => encoder.encode(ORDER_PLACED, event.value)));
    expect(Buffer.from(records[0].key, 'base64').toString()).toBe(batch[0].key);
  });
});
