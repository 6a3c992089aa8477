import { gzipSync } from 'node:zlib';
import { hashApiKey } from '@eventpath/ingest';
import { startRedis, useTestKafka, type DevRedis, type TestKafka } from '@eventpath/dev-infra';
import type { RunningRestGateway } from './rest-gateway';
import { startGatewayUnderTest } from './test-support/gateway-under-test';
import { postEvents, request, type NativeAnswer } from './test-support/http-client';
import { readFailoverStream, readTopic } from './test-support/read-back';

const KEYS = { orders: 'k-orders-0123456789abcdef0123456789abcdef', other: 'k-other-0123456789abcdef0123456789abcdef', bytes: 'k-bytes-0123456789abcdef0123456789abcdef' };
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe('API keys, ACLs, rate and size limits, and every class of bad input: refused with a 4xx naming the problem, nothing written', () => {
  let kafka: TestKafka;
  let redis: DevRedis;
  let gateway: RunningRestGateway;
  let orders: string;
  let shared: string;
  let other: string;
  let basicRecords = 0;
  /** Ids of every event answered 200: exactly these may be stored. */
  const accepted = new Set<string>();
  const acceptAll = (answers: Array<{ status: number; body: NativeAnswer }>) => {
    for (const answer of answers) if (answer.status === 200) answer.body.results.forEach((r) => accepted.add(r.id));
  };

  beforeAll(async () => {
    [kafka, redis] = await Promise.all([useTestKafka(), startRedis()]);
    orders = await kafka.createUniqueTopic('orders', 2);
    shared = await kafka.createUniqueTopic('shared.clicks', 2);
    other = await kafka.createUniqueTopic('other', 1);
    gateway = await startGatewayUnderTest({
      bootstrap: kafka.bootstrap,
      redisUrl: redis.url,
      file: {
        apiKeys: [
          { name: 'orders-service', sha256: hashApiKey(KEYS.orders), topics: [orders, 'shared.*'], rateLimit: { eventsPerSecond: 60 } },
          { name: 'other-service', sha256: hashApiKey(KEYS.other), topics: [other] },
          { name: 'bulk-service', sha256: hashApiKey(KEYS.bytes), topics: [other], rateLimit: { bytesPerSecond: 3000 } },
        ],
        limits: { maxBodyBytes: 4096, maxEventsPerRequest: 100, maxEventBytes: 1024, maxHeadersPerEvent: 3 },
      },
    });
  }, 120_000);
  afterAll(async () => {
    await gateway?.stop();
    await redis?.stop();
    await kafka?.release();
  });

  /** A request the test expects to be taken, counted for the final check that nothing else was written. */
  const take = async (topic: string, body: unknown, key = KEYS.orders) => {
    const answer = await postEvents<NativeAnswer>(gateway.httpUrl, topic, body, bearer(key));
    expect(answer.status).toBe(200);
    acceptAll([answer]);
    return answer;
  };

  it('answers 401 without a key or with a wrong one, on both APIs, and takes Bearer, X-API-Key and Basic credentials', async () => {
    const none = await postEvents<NativeAnswer>(gateway.httpUrl, orders, { value: 1 });
    expect([none.status, none.body.code, none.body.error]).toEqual([401, 'unauthorized', expect.stringMatching(/API key is required/)]);
    expect((await postEvents(gateway.httpUrl, orders, { value: 1 }, bearer('wrong'))).status).toBe(401);
    const proxy = await request(`${gateway.httpUrl}/topics/${orders}`, { body: '{"records":[{"value":"eA=="}]}', headers: { 'content-type': 'application/vnd.kafka.binary.v2+json' } });
    expect([proxy.status, proxy.body]).toEqual([401, { error_code: 401, message: expect.stringMatching(/API key is required/) }]);
    expect((await request(`${gateway.httpUrl}/topics`)).status).toBe(401);

    await take(orders, { value: 'bearer' });
    const viaHeader = await postEvents<NativeAnswer>(gateway.httpUrl, orders, { value: 'x-api-key' }, { 'x-api-key': KEYS.orders });
    expect(viaHeader.status).toBe(200);
    acceptAll([viaHeader]);
    const basic = await request<{ offsets: unknown[] }>(`${gateway.httpUrl}/topics/${orders}`, {
      body: '{"records":[{"value":"eA=="}]}',
      headers: { 'content-type': 'application/vnd.kafka.binary.v2+json', authorization: `Basic ${Buffer.from(`any-user:${KEYS.orders}`).toString('base64')}` },
    });
    expect(basic.status).toBe(200);
    basicRecords = basic.body.offsets.length;
  });

  it('answers 403 for a topic the key may not use (before saying whether it exists), 404 for an allowed one that does not exist, 400 for a bad name', async () => {
    const forbidden = await postEvents<NativeAnswer>(gateway.httpUrl, other, { value: 1 }, bearer(KEYS.orders));
    expect([forbidden.status, forbidden.body.error]).toEqual([403, expect.stringMatching(/"orders-service" may not produce to topic/)]);
    expect((await postEvents(gateway.httpUrl, 'does-not-exist', { value: 1 }, bearer(KEYS.orders))).status).toBe(403);
    const proxyForbidden = await request(`${gateway.httpUrl}/topics/${other}`, { headers: bearer(KEYS.orders) });
    expect([proxyForbidden.status, (proxyForbidden.body as { error_code: number }).error_code]).toEqual([403, 403]);
    const missing = await postEvents<NativeAnswer>(gateway.httpUrl, 'shared.nothing-here', { value: 1 }, bearer(KEYS.orders));
    expect([missing.status, missing.body.code]).toEqual([404, 'topic-not-found']);
    const badName = await postEvents<NativeAnswer>(gateway.httpUrl, 'bad name!', { value: 1 }, bearer(KEYS.orders));
    expect([badName.status, badName.body.error]).toEqual([400, expect.stringMatching(/not a valid topic name/)]);
    await take(shared, { value: 'prefix ACL' });
    const listed = await request<{ topics: string[] }>(`${gateway.httpUrl}/v1/topics`, { headers: bearer(KEYS.orders) });
    expect(listed.body.topics.sort()).toEqual([orders, shared].sort());
  });

  it('answers 429 with Retry-After past a key’s events or bytes per second, 413 for a request larger than a second’s allowance', async () => {
    const batch = (n: number, tag: string) => ({ events: Array.from({ length: n }, (_, i) => ({ id: `${tag}-${i}`, value: i })) });
    // Sent together, so they fall in one one-second window: 40 + 40 events pass the limit of 60.
    const answers = await Promise.all([0, 1, 2].map((i) => postEvents<NativeAnswer>(gateway.httpUrl, orders, batch(40, `rate-${i}`), bearer(KEYS.orders))));
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(2);
    expect(limited[0].headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(limited[0].body.error).toMatch(/over its limit of 60 events per second/);
    acceptAll(answers);

    const bytes = await Promise.all(
      [0, 1, 2, 3, 4, 5].map((i) => postEvents<NativeAnswer>(gateway.httpUrl, other, { id: `bytes-${i}`, value: 'x'.repeat(700) }, bearer(KEYS.bytes))),
    );
    expect(bytes.map((a) => a.status)).toContain(429);
    expect(bytes.find((a) => a.status === 429)?.body.error).toMatch(/over its limit of 3000 bytes per second/);
    acceptAll(bytes);

    const neverFits = await postEvents<NativeAnswer>(gateway.httpUrl, orders, batch(61, 'never'), bearer(KEYS.orders));
    expect([neverFits.status, neverFits.body.error]).toEqual([413, expect.stringMatching(/more than the 60 events per second .* split it/)]);
  });

  it('answers 413 for a body over maxBodyBytes (also once inflated), too many events, or an event over maxEventBytes, naming it', async () => {
    const big = JSON.stringify({ value: 'x'.repeat(5000) });
    const plain = await postEvents<NativeAnswer>(gateway.httpUrl, other, big, bearer(KEYS.other));
    expect([plain.status, plain.body.error]).toEqual([413, 'the request body is larger than the limit of 4096 bytes']);
    const inflated = await request<NativeAnswer>(`${gateway.httpUrl}/v1/topics/${other}/events`, {
      body: gzipSync(JSON.stringify({ value: 'y'.repeat(50_000) })),
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', ...bearer(KEYS.other) },
    });
    expect(inflated.status).toBe(413);
    const proxy = await request(`${gateway.httpUrl}/topics/${other}`, {
      body: JSON.stringify({ records: [{ value: Buffer.alloc(4000).toString('base64') }] }),
      headers: { 'content-type': 'application/vnd.kafka.binary.v2+json', ...bearer(KEYS.other) },
    });
    expect([proxy.status, (proxy.body as { error_code: number }).error_code]).toEqual([413, 413]);
    const many = await postEvents<NativeAnswer>(gateway.httpUrl, other, { events: Array.from({ length: 101 }, () => ({ value: 1 })) }, bearer(KEYS.other));
    expect([many.status, many.body.error]).toEqual([413, expect.stringMatching(/more than the limit of 100 events per request/)]);
    const large = await postEvents<NativeAnswer>(gateway.httpUrl, other, { events: [{ value: 1 }, { id: 'large', value: 'z'.repeat(1100) }] }, bearer(KEYS.other));
    expect(large.status).toBe(413);
    expect(large.body.problems).toEqual([{ index: 1, id: 'large', message: expect.stringMatching(/more than the limit of 1024/) }]);
  });

  it.each<[string, string, string, number, Partial<{ index: number; field: string; message: RegExp }> | RegExp]>([
    ['malformed JSON', 'application/json', '{"value": 1', 400, /not valid JSON/],
    ['an empty body', 'application/json', '', 400, /body is empty/],
    ['events that are not an array', 'application/json', '{"events": {"value": 1}}', 400, /events: must be an array/],
    ['an empty batch', 'application/json', '{"events": []}', 400, /events: must not be empty/],
    ['an event that is not an object', 'application/json', '{"events": [{"value": 1}, 7]}', 400, { index: 1, message: /must be a JSON object/ }],
    ['an event without a value', 'application/json', '{"events": [{"value": 1}, {"id": "a"}]}', 400, { index: 1, field: 'value', message: /is required/ }],
    ['a null value', 'application/json', '{"value": null}', 400, { index: 0, field: 'value', message: /must not be null/ }],
    ['a misspelt field', 'application/json', '{"vaule": 1, "value": 2}', 400, { index: 0, field: 'vaule', message: /unknown field/ }],
    ['an id that is not a string', 'application/json', '{"id": 5, "value": 1}', 400, { field: 'id', message: /must be a string/ }],
    ['an id with spaces', 'application/json', '{"id": "a b", "value": 1}', 400, { field: 'id', message: /visible ASCII/ }],
    ['a repeated id', 'application/json', '{"events": [{"id": "x", "value": 1}, {"id": "x", "value": 2}]}', 400, { index: 1, field: 'id', message: /repeats the id of event 0/ }],
    ['a key that is not a string', 'application/json', '{"key": {"a": 1}, "value": 1}', 400, { field: 'key', message: /string or null/ }],
    ['headers that are not an object', 'application/json', '{"headers": ["a"], "value": 1}', 400, { field: 'headers' }],
    ['a header value that is not a string', 'application/json', '{"headers": {"n": 1}, "value": 1}', 400, { field: 'headers.n', message: /must be a string/ }],
    ['a reserved header', 'application/json', '{"headers": {"eventpath-event-id": "x"}, "value": 1}', 400, { field: 'headers.eventpath-event-id', message: /reserved/ }],
    ['too many headers', 'application/json', '{"headers": {"a":"1","b":"2","c":"3","d":"4"}, "value": 1}', 400, { field: 'headers', message: /more than the limit of 3/ }],
    ['a bad timestamp', 'application/json', '{"timestamp": "yesterday", "value": 1}', 400, { field: 'timestamp', message: /RFC 3339/ }],
    ['a negative timestamp', 'application/json', '{"timestamp": -1, "value": 1}', 400, { field: 'timestamp' }],
    ['an NDJSON line that is not JSON', 'application/x-ndjson', '{"value": 1}\n{oops}\n', 400, { index: 1, message: /line is not valid JSON/ }],
    ['an unsupported content type', 'text/plain', 'hello', 415, /content type text\/plain/],
    ['protobuf on a topic without a schema', 'application/x-protobuf', 'x', 415, /no protobuf schema/],
  ])('refuses %s', async (_name, contentType, body, status, expected) => {
    const answer = await request<NativeAnswer>(`${gateway.httpUrl}/v1/topics/${other}/events`, {
      body,
      headers: { 'content-type': contentType, ...bearer(KEYS.other) },
    });
    expect(answer.status).toBe(status);
    if (expected instanceof RegExp) expect(answer.body.error).toMatch(expected);
    else expect(answer.body.problems?.[0]).toMatchObject(expected);
  });

  it('wrote nothing of any refused request to Kafka or to the failover stream', async () => {
    // An accepted event is in Kafka or (when a send timed out) in the failover stream; a refused one nowhere.
    const topics = [orders, shared, other];
    const inKafka = (await Promise.all(topics.map((topic) => readTopic(kafka.bootstrap, topic)))).flat();
    const inStream = (await Promise.all(topics.map((topic) => readFailoverStream(redis.url, topic)))).flat();
    const stored = new Set([...inKafka.map((r) => r.headers['eventpath-event-id']), ...inStream.map((e) => e.id)]);
    // The REST Proxy answer names no ids: its records are the ones not in `accepted`.
    expect(stored.size).toBe(accepted.size + basicRecords);
    for (const id of accepted) expect(stored).toContain(id);
  });
});
