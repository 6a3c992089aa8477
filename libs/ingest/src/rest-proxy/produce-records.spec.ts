import { refusal } from '../test-support/problems';
import { parseProduceRecords } from './produce-records';

const body = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('parseProduceRecords', () => {
  it('decodes binary records: base64 keys and values, optional key and partition', () => {
    const drafts = parseProduceRecords(body({ records: [{ key: 'a2V5', value: 'Y29uZmx1ZW50' }, { value: 'a2Fma2E=', partition: 1 }, { value: 'bG9ncw', key: null }] }), 'binary');
    expect(drafts).toEqual([
      { key: Buffer.from('key'), value: { bytes: Buffer.from('confluent') }, partition: undefined },
      { key: null, value: { bytes: Buffer.from('kafka') }, partition: 1 },
      { key: null, value: { bytes: Buffer.from('logs') }, partition: undefined },
    ]);
  });

  it('keeps JSON records as JSON, the key serialized as JSON text as the proxy does', () => {
    const drafts = parseProduceRecords(body({ records: [{ key: 'somekey', value: { foo: 'bar' } }, { value: 53.5 }] }), 'json');
    expect(drafts).toEqual([
      { key: Buffer.from('"somekey"'), value: { json: { foo: 'bar' } }, partition: undefined },
      { key: null, value: { json: 53.5 }, partition: undefined },
    ]);
  });

  it('gives every record the partition of the path, and refuses records that name their own there', () => {
    expect(parseProduceRecords(body({ records: [{ value: 'eA==' }] }), 'binary', 2)[0].partition).toBe(2);
    expect(refusal(() => parseProduceRecords(body({ records: [{ value: 'eA==', partition: 0 }] }), 'binary', 2)).message).toMatch(
      /records\[0\]\.partition: records sent to \/topics\/\{topic\}\/partitions\/\{partition\} take the partition of the path/,
    );
  });

  it('refuses invalid records with 422, naming the record and field, as the proxy validates its request entity', () => {
    const error = refusal(() =>
      parseProduceRecords(body({ records: [{ value: 'eA==' }, { value: 'not base64!' }, { value: 7 }, { key: 'eA==' }, { value: 'eA==', partition: -1, headers: [] }] }), 'binary'),
    );
    expect(error.status).toBe(422);
    expect(error.problems.map((p) => [p.index, p.field])).toEqual([
      [1, 'records[1].value'],
      [2, 'records[2].value'],
      [3, 'records[3].value'],
      [4, 'records[4].headers'],
      [4, 'records[4].partition'],
    ]);
    expect(refusal(() => parseProduceRecords(body({ records: [] }), 'binary')).message).toBe('records may not be empty');
    expect(refusal(() => parseProduceRecords(body({ records: [{ value: 'eA==' }], extra: 1 }), 'binary')).message).toBe('Unrecognized field "extra"');
    expect(refusal(() => parseProduceRecords(Buffer.from('{'), 'json')).status).toBe(400);
    expect(refusal(() => parseProduceRecords(body([1]), 'json')).status).toBe(422);
  });

  it('answers the schema-registry formats with the documented 422 codes', () => {
    const withKey = refusal(() => parseProduceRecords(body({ records: [{ key: 1, value: 2 }] }), 'avro'));
    expect([withKey.status, withKey.errorCode, withKey.message]).toEqual([422, 42201, 'Request includes keys but does not include key schema']);
    const withValue = refusal(() => parseProduceRecords(body({ key_schema_id: 1, records: [{ key: 1, value: 2 }] }), 'protobuf'));
    expect([withValue.errorCode, withValue.message]).toEqual([42202, 'Request includes values but does not include value schema']);
    const withSchemas = refusal(() => parseProduceRecords(body({ value_schema: '"int"', records: [{ value: 2 }] }), 'jsonschema'));
    expect([withSchemas.status, withSchemas.errorCode]).toEqual([422, undefined]);
    expect(withSchemas.message).toMatch(/jsonschema embedded format needs a Schema Registry/);
  });
});
