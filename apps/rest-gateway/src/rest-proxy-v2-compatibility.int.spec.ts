import { startRedis, useTestKafka, type DevRedis, type TestKafka } from '@eventpath/dev-infra';
import { Kafka, Partitioners, type Admin } from 'kafkajs';
import type { RunningRestGateway } from './rest-gateway';
import { startGatewayUnderTest } from './test-support/gateway-under-test';
import { request } from './test-support/http-client';
import { readTopic, readTopicBytes } from './test-support/read-back';
import {
  AVRO_TO_TOPIC,
  BINARY_TO_PARTITION,
  BINARY_TO_TOPIC,
  GET_PARTITION,
  GET_PARTITIONS,
  GET_TOPIC,
  JSON_TO_PARTITION,
  JSON_TO_TOPIC,
  LIST_TOPICS,
  sendExample,
} from './test-support/rest-proxy-examples';

const V2 = 'application/vnd.kafka.v2+json';

interface ProduceBody {
  offsets: Array<{ partition: number | null; offset: number | null; error_code: number | null; error: string | null }>;
  key_schema_id: null;
  value_schema_id: null;
}

/** The partition kafkajs's Java-compatible partitioner (murmur2) gives a key (checked against the Java client in the native API spec). */
function javaPartition(key: string, partitions: number): number {
  const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({ partitionId, leader: 1, replicas: [1], isr: [1], partitionErrorCode: 0 }));
  return Partitioners.DefaultPartitioner()({ topic: 'test', partitionMetadata, message: { key: Buffer.from(key), value: null } });
}

describe("Confluent REST Proxy v2: the documentation's examples and its error codes", () => {
  let kafka: TestKafka;
  let redis: DevRedis;
  let admin: Admin;
  let gateway: RunningRestGateway;
  let configured: string;

  beforeAll(async () => {
    [kafka, redis] = await Promise.all([useTestKafka(), startRedis()]);
    admin = new Kafka(kafka.clientConfig('rest-proxy-spec')).admin();
    await admin.connect();
    // The examples produce to "test" (partitions 1 and 2 appear in them); an external cluster may have it already.
    if (!(await admin.listTopics()).includes('test')) await kafka.createTopic('test', 3);
    configured = `configured-${Date.now()}`;
    await admin.createTopics({ topics: [{ topic: configured, numPartitions: 2, configEntries: [{ name: 'retention.ms', value: '3600000' }] }], waitForLeaders: true });
    gateway = await startGatewayUnderTest({ bootstrap: kafka.bootstrap, redisUrl: redis.url });
  }, 120_000);
  afterAll(async () => {
    await gateway?.stop();
    await admin?.disconnect();
    await redis?.stop();
    await kafka?.release();
  });

  const storedAt = async (partition: number, offset: number) => {
    const record = (await readTopic(kafka.bootstrap, 'test')).find((r) => r.partition === partition && r.offset === offset);
    expect(record).toBeDefined();
    return record!;
  };

  it('answers the binary example as documented and stores the decoded keys and values where Kafka would put them', async () => {
    const answer = await sendExample(gateway.httpUrl, BINARY_TO_TOPIC);
    expect(answer.status).toBe(200);
    expect(answer.contentType).toMatch(/^application\/vnd\.kafka\.v2\+json/);
    const body = answer.body as ProduceBody;
    expect(body).toEqual({
      offsets: [0, 1, 2].map(() => ({ partition: expect.any(Number), offset: expect.any(Number), error_code: null, error: null })),
      key_schema_id: null,
      value_schema_id: null,
    });
    const [keyed, explicit, unkeyed] = body.offsets;
    expect(keyed.partition).toBe(javaPartition('key', 3));
    expect(explicit.partition).toBe(1);
    expect(await storedAt(keyed.partition!, keyed.offset!)).toMatchObject({ key: 'key', value: 'confluent' });
    expect(await storedAt(explicit.partition!, explicit.offset!)).toMatchObject({ key: null, value: 'kafka' });
    expect(await storedAt(unkeyed.partition!, unkeyed.offset!)).toMatchObject({ key: null, value: 'logs' });
    expect((await storedAt(unkeyed.partition!, unkeyed.offset!)).headers['eventpath-content-type']).toBe('application/octet-stream');
  });

  it('answers the JSON example as documented and stores keys and values as the proxy serializes JSON', async () => {
    const answer = await sendExample(gateway.httpUrl, JSON_TO_TOPIC);
    expect(answer.status).toBe(200);
    const [keyed, explicit, plain] = (answer.body as ProduceBody).offsets;
    // The proxy's JSON serializer writes the key "somekey" as the JSON text "somekey", quotes included.
    expect(keyed.partition).toBe(javaPartition('"somekey"', 3));
    expect(await storedAt(keyed.partition!, keyed.offset!)).toMatchObject({ key: '"somekey"', value: '{"foo":"bar"}' });
    expect(explicit.partition).toBe(1);
    expect(await storedAt(1, explicit.offset!)).toMatchObject({ value: '["foo","bar"]' });
    const stored = await storedAt(plain.partition!, plain.offset!);
    expect(stored).toMatchObject({ value: '53.5' });
    expect(stored.headers['eventpath-content-type']).toBe('application/json');
    expect(stored.headers['eventpath-event-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers the examples for one partition as documented, every record on that partition', async () => {
    for (const example of [BINARY_TO_PARTITION, JSON_TO_PARTITION]) {
      const answer = await sendExample(gateway.httpUrl, example);
      expect(answer.status).toBe(200);
      const { offsets } = answer.body as ProduceBody;
      expect(offsets.map((o) => o.partition)).toEqual([1, 1]);
      expect(offsets[1].offset! - offsets[0].offset!).toBe(1);
    }
    const bytes = await readTopicBytes(kafka.bootstrap, 'test');
    const values = [...bytes.entries()].filter(([at]) => at.startsWith('1/')).map(([, r]) => r.value?.toString());
    expect(values).toEqual(expect.arrayContaining(['confluent', 'kafka', '{"foo":"bar"}', '53.5']));
  });

  it('refuses the schema-registry formats with the documented 422, writing nothing', async () => {
    const before = (await readTopic(kafka.bootstrap, 'test')).length;
    // As printed, the Avro example lacks the comma after value_schema, so it is not JSON.
    const verbatim = await sendExample(gateway.httpUrl, AVRO_TO_TOPIC);
    expect(verbatim.status).toBe(400);
    expect(verbatim.body).toEqual({ error_code: 400, message: expect.stringMatching(/not valid JSON/) });
    const fixed = await sendExample(gateway.httpUrl, { ...AVRO_TO_TOPIC, body: AVRO_TO_TOPIC.body!.replace('}"\n', '}",\n') });
    expect(fixed.status).toBe(422);
    expect(fixed.body).toEqual({ error_code: 422, message: expect.stringMatching(/avro embedded format needs a Schema Registry/) });
    const post = (type: string, body: unknown) =>
      request(`${gateway.httpUrl}/topics/test`, { body: JSON.stringify(body), headers: { 'content-type': `application/vnd.kafka.${type}.v2+json` } });
    expect((await post('protobuf', { records: [{ value: { a: 1 } }] })).body).toEqual({
      error_code: 42202,
      message: 'Request includes values but does not include value schema',
    });
    expect((await post('jsonschema', { value_schema_id: 3, records: [{ key: 'k', value: 1 }] })).body).toEqual({
      error_code: 42201,
      message: 'Request includes keys but does not include key schema',
    });
    expect((await readTopic(kafka.bootstrap, 'test')).length).toBe(before);
  });

  it('lists topics and describes a topic and its partitions in the documented shapes', async () => {
    const list = await sendExample(gateway.httpUrl, LIST_TOPICS);
    expect(list.status).toBe(200);
    expect(list.contentType).toMatch(/^application\/vnd\.kafka\.v2\+json/);
    expect(list.body).toEqual(expect.arrayContaining(['test', configured]));
    expect((list.body as string[]).some((t) => t.startsWith('__'))).toBe(false);

    const topic = await sendExample(gateway.httpUrl, GET_TOPIC);
    expect(topic.status).toBe(200);
    const replica = { broker: expect.any(Number), leader: true, in_sync: true };
    expect(topic.body).toEqual({
      name: 'test',
      configs: expect.any(Object),
      partitions: [0, 1, 2].map((partition) => ({ partition, leader: expect.any(Number), replicas: [replica] })),
    });
    const withOverride = await request(`${gateway.httpUrl}/topics/${configured}`, { headers: { accept: V2 } });
    expect((withOverride.body as { configs: Record<string, string> }).configs).toEqual({ 'retention.ms': '3600000' });

    const partitions = await sendExample(gateway.httpUrl, GET_PARTITIONS);
    expect(partitions.body).toHaveLength(3);
    const partition = await sendExample(gateway.httpUrl, GET_PARTITION);
    expect(partition.body).toEqual({ partition: 1, leader: expect.any(Number), replicas: [replica] });
    const missing = await request(`${gateway.httpUrl}/topics/test/partitions/7`, { headers: { accept: V2 } });
    expect([missing.status, missing.body]).toEqual([404, { error_code: 40402, message: 'Partition not found.' }]);
  });

  it('negotiates the response type from Accept, with q-values, and answers 406 when none fits', async () => {
    const get = (accept: string) => fetch(`${gateway.httpUrl}/topics`, { headers: { accept } });
    expect((await get('application/json')).headers.get('content-type')).toMatch(/^application\/json/);
    expect((await get('application/vnd.kafka+json')).headers.get('content-type')).toMatch(/^application\/vnd\.kafka\+json/);
    expect((await get('application/vnd.kafka.v2+json; q=0.9, application/json; q=0.5')).headers.get('content-type')).toMatch(/^application\/vnd\.kafka\.v2\+json/);
    expect((await get('application/json; q=0.9, application/vnd.kafka.v2+json; q=0.5')).headers.get('content-type')).toMatch(/^application\/json/);
    expect((await get('*/*')).headers.get('content-type')).toMatch(/^application\/vnd\.kafka\.v2\+json/);
    const refused = await get('text/html');
    expect(refused.status).toBe(406);
    expect(await refused.json()).toEqual({ error_code: 406, message: 'HTTP 406 Not Acceptable' });
  });

  it('answers 404 40401 for an unknown topic and never creates it', async () => {
    const name = `never-created-${Date.now()}`;
    const answer = await request(`${gateway.httpUrl}/topics/${name}`, {
      body: JSON.stringify({ records: [{ value: 'eA==' }] }),
      headers: { 'content-type': 'application/vnd.kafka.binary.v2+json' },
    });
    expect([answer.status, answer.body]).toEqual([404, { error_code: 40401, message: 'Topic not found.' }]);
    const invalid = await request(`${gateway.httpUrl}/topics/bad%20name`, { headers: { accept: V2 } });
    expect([invalid.status, invalid.body]).toEqual([404, { error_code: 40401, message: 'Topic not found.' }]);
    expect((await request(`${gateway.httpUrl}/topics/${name}`, { headers: { accept: V2 } })).status).toBe(404);
    expect(await admin.listTopics()).not.toContain(name);
  });

  it('answers 404 40402 for a partition out of range and writes nothing of that request', async () => {
    const before = (await readTopic(kafka.bootstrap, 'test')).length;
    const path = await request(`${gateway.httpUrl}/topics/test/partitions/3`, {
      body: JSON.stringify({ records: [{ value: 'eA==' }] }),
      headers: { 'content-type': 'application/vnd.kafka.binary.v2+json' },
    });
    expect([path.status, path.body]).toEqual([404, { error_code: 40402, message: 'Partition not found.' }]);
    const inRecord = await request(`${gateway.httpUrl}/topics/test`, {
      body: JSON.stringify({ records: [{ value: 'eA==' }, { value: 'eQ==', partition: 0 }, { value: 'eg==', partition: 9 }] }),
      headers: { 'content-type': 'application/vnd.kafka.binary.v2+json' },
    });
    expect([inRecord.status, inRecord.body]).toEqual([404, { error_code: 40402, message: 'Partition not found.' }]);
    expect((await readTopic(kafka.bootstrap, 'test')).length).toBe(before);
  });

  it('refuses malformed requests with the proxy error shape: 415, 422 for empty or invalid records, 400 for bad JSON', async () => {
    const post = (contentType: string, body: string) => request(`${gateway.httpUrl}/topics/test`, { body, headers: { 'content-type': contentType } });
    expect((await post('text/plain', 'hi')).body).toEqual({ error_code: 415, message: 'HTTP 415 Unsupported Media Type' });
    expect((await post('application/vnd.kafka.binary.v1+json', '{"records":[]}')).status).toBe(415);
    expect(await post('application/vnd.kafka.binary.v2+json', '{"records":[]}')).toMatchObject({ status: 422, body: { error_code: 422, message: 'records may not be empty' } });
    const badBase64 = await post('application/vnd.kafka.binary.v2+json', '{"records":[{"value":"eA=="},{"value":"not base64!"}]}');
    expect(badBase64).toMatchObject({ status: 422, body: { error_code: 422, message: expect.stringMatching(/records\[1\]\.value: is not valid base64/) } });
    const nullValue = await post('application/vnd.kafka.json.v2+json', '{"records":[{"value":null}]}');
    expect(nullValue).toMatchObject({ status: 422, body: { message: expect.stringMatching(/records\[0\]\.value: may not be null/) } });
    expect((await post('application/vnd.kafka.json.v2+json', '{"records": [')).body).toEqual({ error_code: 400, message: expect.stringMatching(/not valid JSON/) });
  });
});
