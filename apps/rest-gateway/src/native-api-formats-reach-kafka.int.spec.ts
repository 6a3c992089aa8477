import { eventually, produceWithJavaClient, startRedis, useTestKafka, type DevRedis, type TestKafka } from '@eventpath/dev-infra';
import { loadSchemas, type MessageSchema } from '@eventpath/schemas';
import type { RunningRestGateway } from './rest-gateway';
import { FIXTURE_SCHEMAS, startGatewayUnderTest } from './test-support/gateway-under-test';
import { postEvents, request, type NativeAnswer } from './test-support/http-client';
import { readTopic, readTopicBytes, type StoredRecord } from './test-support/read-back';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const RIDE_TYPE = 'rides.events.RideBooked';

describe('native API: every format reaches the fronting Kafka as the answer says', () => {
  let kafka: TestKafka;
  let redis: DevRedis;
  let gateway: RunningRestGateway;
  let rideType: MessageSchema;
  const topics = { plain: '', rides: '', keyed: '', javaKeyed: '' };

  beforeAll(async () => {
    [kafka, redis] = await Promise.all([useTestKafka(), startRedis()]);
    topics.plain = await kafka.createUniqueTopic('native-plain', 3);
    topics.rides = await kafka.createUniqueTopic('native-rides', 2);
    topics.keyed = await kafka.createUniqueTopic('native-keyed', 6);
    topics.javaKeyed = await kafka.createUniqueTopic('java-keyed', 6);
    gateway = await startGatewayUnderTest({
      bootstrap: kafka.bootstrap,
      redisUrl: redis.url,
      file: {
        topics: { [topics.plain]: null, [topics.rides]: { messageType: RIDE_TYPE }, [topics.keyed]: {} },
        schemas: { sources: [{ name: 'fixtures', location: FIXTURE_SCHEMAS }] },
      },
    });
    rideType = (await loadSchemas([{ kind: 'protoDirectory', name: 'fixtures', directory: FIXTURE_SCHEMAS }])).messageType(RIDE_TYPE);
  }, 120_000);
  /** The record at `partition`/`offset`, read with kcat (again, for a while, until it is there). */
  const recordAt = async (topic: string, partition: number | undefined, offset: number | undefined): Promise<StoredRecord> => {
    let found: StoredRecord | undefined;
    await eventually(
      async () => (found = (await readTopic(kafka.bootstrap, topic)).find((r) => r.partition === partition && r.offset === offset)) !== undefined,
      20_000,
      `the record at ${topic}/${partition}/${offset}`,
    );
    return found as StoredRecord;
  };
  afterAll(async () => {
    await gateway?.stop();
    await redis?.stop();
    await kafka?.release();
  });

  it('takes one JSON event with id, key, headers and timestamp, and stores exactly that with the gateway headers', async () => {
    const before = Date.now();
    const answer = await postEvents<NativeAnswer>(gateway.httpUrl, topics.plain, {
      id: 'order-1',
      key: 'customer-7',
      value: { total: 12.5, items: ['a', 'b'] },
      headers: { trace: 't-1' },
      timestamp: '2024-05-01T12:00:00.250Z',
    });
    expect(answer.status).toBe(200);
    const [result] = answer.body.results;
    expect(result).toEqual({ id: 'order-1', status: 'kafka', partition: expect.any(Number), offset: expect.any(Number) });
    // The record where the answer says it is (a retried request may have left a duplicate elsewhere: allowed).
    const stored = await recordAt(topics.plain, result.partition, result.offset);
    expect(stored).toMatchObject({ key: 'customer-7', value: '{"total":12.5,"items":["a","b"]}' });
    expect(stored.headers['eventpath-event-id']).toBe('order-1');
    expect(stored?.timestamp).toBe(Date.parse('2024-05-01T12:00:00.250Z'));
    expect(stored?.headers).toMatchObject({ trace: 't-1', 'eventpath-content-type': 'application/json' });
    expect(Number(stored?.headers['eventpath-ingest-time'])).toBeGreaterThanOrEqual(before);
  });

  it('takes a JSON batch and NDJSON, answers one result per event in order, and gives events without an id a UUIDv7', async () => {
    const batch = await postEvents<NativeAnswer>(gateway.httpUrl, topics.plain, { events: [{ value: 1 }, { id: 'batch-b', value: 2 }, { value: 'three' }] });
    expect(batch.status).toBe(200);
    expect(batch.body.results.map((r) => r.status)).toEqual(['kafka', 'kafka', 'kafka']);
    expect(batch.body.results[0].id).toMatch(UUID_V7);
    expect(batch.body.results[1].id).toBe('batch-b');
    // Unkeyed events of one request share a partition (sticky), at consecutive offsets.
    const [a, b, c] = batch.body.results;
    expect(new Set([a.partition, b.partition, c.partition]).size).toBe(1);
    expect([b.offset! - a.offset!, c.offset! - b.offset!]).toEqual([1, 1]);

    const ndjson = ['{"id":"nd-1","value":{"n":1}}', '', '{"value":{"n":2},"key":"k"}', ''].join('\n');
    const lines = await postEvents<NativeAnswer>(gateway.httpUrl, topics.plain, ndjson, { 'content-type': 'application/x-ndjson' });
    expect(lines.status).toBe(200);
    expect(lines.body.results.map((r) => r.id)).toEqual(['nd-1', expect.stringMatching(UUID_V7)]);

    const stored = await readTopic(kafka.bootstrap, topics.plain);
    const byId = new Map(stored.map((r) => [r.headers['eventpath-event-id'], r]));
    for (const result of [...batch.body.results, ...lines.body.results]) {
      expect(byId.get(result.id)).toMatchObject({ partition: result.partition, offset: result.offset });
    }
    expect(byId.get('batch-b')?.value).toBe('2');
    expect(byId.get(batch.body.results[2].id)?.value).toBe('"three"');
    expect(byId.get(lines.body.results[1].id)).toMatchObject({ key: 'k', value: '{"n":2}' });
  });

  it('converts JSON events of a topic with a schema to the protobuf binary form, and stores protobuf bodies as sent', async () => {
    const ride = { rideId: 'r-1', fareCents: '1250', bookedAt: '2024-05-01T12:00:00Z', stops: [{ name: 'home', lat: 52.5, lng: 13.4 }] };
    const json = await postEvents<NativeAnswer>(gateway.httpUrl, topics.rides, { id: 'ride-json', value: ride });
    expect(json.status).toBe(200);
    const encoded = Buffer.from(rideType.encode(rideType.fromJson({ ...ride, rideId: 'r-2' })));
    const binary = await request<NativeAnswer>(`${gateway.httpUrl}/v1/topics/${topics.rides}/events`, {
      body: encoded,
      headers: { 'content-type': 'application/x-protobuf', 'x-event-id': 'ride-binary', 'x-event-key': 'r-2' },
    });
    expect(binary.status).toBe(200);

    const bytes = await readTopicBytes(kafka.bootstrap, topics.rides);
    const records = await readTopic(kafka.bootstrap, topics.rides);
    const find = (id: string) => {
      const record = records.find((r) => r.headers['eventpath-event-id'] === id);
      return { record, bytes: bytes.get(`${record?.partition}/${record?.offset}`) };
    };
    const fromJson = find('ride-json');
    expect(fromJson.record?.headers['eventpath-content-type']).toBe(`application/x-protobuf; messageType=${RIDE_TYPE}`);
    expect(rideType.toJson(rideType.decode(fromJson.bytes!.value!))).toEqual(ride);
    const fromBinary = find('ride-binary');
    expect(fromBinary.bytes?.value?.equals(encoded)).toBe(true);
    expect(fromBinary.bytes?.key?.toString()).toBe('r-2');
  });

  it('refuses a request with one event that does not fit the schema, naming the event and the field path, and writes none of it', async () => {
    const before = (await readTopic(kafka.bootstrap, topics.rides)).length;
    const answer = await postEvents<NativeAnswer>(gateway.httpUrl, topics.rides, {
      events: [{ value: { rideId: 'fine' } }, { id: 'bad-ride', value: { rideId: 'x', stops: [{ name: 'a' }, { lat: 'north' }] } }],
    });
    expect(answer.status).toBe(422);
    expect(answer.body.problems).toEqual([{ index: 1, id: 'bad-ride', field: 'value.stops[1].lat', message: expect.stringMatching(/RideBooked/) }]);
    expect(answer.body.error).toMatch(/event 1 \(id "bad-ride"\): value\.stops\[1\]\.lat:/);
    const garbage = await request<NativeAnswer>(`${gateway.httpUrl}/v1/topics/${topics.rides}/events`, {
      body: Buffer.from([0xff, 0xff, 0xff]),
      headers: { 'content-type': 'application/x-protobuf' },
    });
    expect(garbage.status).toBe(422);
    expect((await readTopic(kafka.bootstrap, topics.rides)).length).toBe(before);
  });

  it('takes a raw application/octet-stream body on a topic without a schema', async () => {
    const answer = await request<NativeAnswer>(`${gateway.httpUrl}/v1/topics/${topics.plain}/events`, {
      body: Buffer.from([0, 1, 2, 255]),
      headers: { 'content-type': 'application/octet-stream', 'x-event-id': 'raw-1', 'x-event-timestamp': '1714564800000' },
    });
    expect(answer.status).toBe(200);
    const record = (await readTopic(kafka.bootstrap, topics.plain)).find((r) => r.headers['eventpath-event-id'] === 'raw-1');
    expect(record?.timestamp).toBe(1714564800000);
    expect((await readTopicBytes(kafka.bootstrap, topics.plain)).get(`${record?.partition}/${record?.offset}`)?.value).toEqual(Buffer.from([0, 1, 2, 255]));
  });

  it("puts keyed events on the partition Kafka's Java client chooses (murmur2)", async () => {
    const count = 60;
    const answer = await postEvents<NativeAnswer>(gateway.httpUrl, topics.keyed, { events: Array.from({ length: count }, (_, i) => ({ key: `k${i}`, value: i })) });
    expect(answer.status).toBe(200);
    const java = await produceWithJavaClient(kafka.bootstrap, topics.javaKeyed, 'none', count);
    const javaPartition = new Map(java.map((r) => [r.key, r.partition]));
    const ours = answer.body.results.map((r, i) => [`k${i}`, r.partition]);
    expect(ours).toEqual(ours.map(([key]) => [key, javaPartition.get(key as string)]));
    expect(new Set(ours.map(([, p]) => p)).size).toBeGreaterThan(3);
    // And the broker has them there.
    const stored = await readTopic(kafka.bootstrap, topics.keyed);
    for (const record of stored) expect(record.partition).toBe(javaPartition.get(record.key!));
  }, 120_000);
});
