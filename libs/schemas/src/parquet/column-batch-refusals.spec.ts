import { recordBatchOfRows } from '@eventpath/storage';
import { RecordBatchStreamWriter, type RecordBatch } from 'apache-arrow';
import { DecodeError, ParquetMappingError } from '../errors';
import type { SchemaSnapshot } from '../registry/schema-snapshot';
import { loadFixtureSchemas } from '../test-support/fixtures';
import { sampleOrder } from '../test-support/sample-values';
import { createParquetColumnBatch } from './parquet-column-batch';
import { fixtureMetadata } from './test-support/parquet-fixture-messages';

const ipc = (batch: RecordBatch) => Buffer.from(RecordBatchStreamWriter.writeAll([batch]).toUint8Array(true));
const errorOf = (run: () => unknown): unknown => {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
};

/**
 * What the columnar path refuses, it refuses as decode and toRow do (same error class, field
 * path and reason), and a refused record leaves nothing in the batch: the records around it
 * make the same batch as without it. Odd but valid wire data (invalid UTF-8, unknown fields,
 * repeated map keys) is read as decode reads it, without the slow path.
 */
describe('records ParquetColumnBatch refuses, and odd bytes it reads', () => {
  let schemas: SchemaSnapshot;

  beforeAll(async () => {
    schemas = await loadFixtureSchemas();
  });

  const order = () => schemas.messageType('eventpath.fixtures.Order');

  /** Appends good, bad, good; the batch must equal good, good; returns the bad one's error. */
  function refusedBetweenGoodOnes(bad: (batch: ReturnType<typeof createParquetColumnBatch>) => void): unknown {
    const batch = createParquetColumnBatch(schemas, 'eventpath.fixtures.Order');
    const good = [sampleOrder(1), sampleOrder(2)].map((message) => order().encode(message));
    batch.append(good[0], fixtureMetadata(0));
    const error = errorOf(() => bad(batch));
    expect(batch.rowCount).toBe(1);
    batch.append(good[1], fixtureMetadata(1));
    const reference = createParquetColumnBatch(schemas, 'eventpath.fixtures.Order');
    good.forEach((bytes, index) => reference.append(bytes, fixtureMetadata(index)));
    expect(ipc(batch.takeRecordBatch())).toEqual(ipc(reference.takeRecordBatch()));
    return error;
  }

  it.each([
    ['truncated bytes', (bytes: Uint8Array) => bytes.subarray(0, bytes.length - 3)],
    ['a wrong wire type', (bytes: Uint8Array) => Buffer.concat([bytes, Buffer.from([0x08 | 0x01, 0, 0, 0, 0, 0, 0, 0, 0])])],
    ['field number 0', (bytes: Uint8Array) => Buffer.concat([Buffer.from([0x00, 0x01]), bytes])],
    ['a nested field running past its message', (bytes: Uint8Array) => Buffer.concat([bytes, Buffer.from([0x12, 0x05, 0x0a, 0x09, 0x61])])],
  ])('refuses %s with the DecodeError decode gives', (_case, corrupt) => {
    const bytes = corrupt(order().encode(sampleOrder(3)));
    const expected = errorOf(() => order().decode(bytes));
    expect(expected).toBeInstanceOf(DecodeError);
    const error = refusedBetweenGoodOnes((batch) => batch.append(bytes, fixtureMetadata(2)));
    expect(error).toBeInstanceOf(DecodeError);
    expect(error).toMatchObject({ fieldPath: (expected as DecodeError).fieldPath, reason: (expected as DecodeError).reason });
  });

  it('refuses messages nested deeper than decode allows', () => {
    const schema = schemas.messageType('eventpath.fixtures.TreeNode');
    let bytes: Uint8Array = schema.encode({ label: 'leaf' });
    for (let depth = 0; depth < 101; depth++) bytes = Buffer.concat([Buffer.from([0x12]), varint(bytes.length), bytes]);
    const batch = createParquetColumnBatch(schemas, 'eventpath.fixtures.TreeNode');
    const error = errorOf(() => batch.append(bytes, fixtureMetadata(0)));
    expect(error).toEqual(errorOf(() => schema.decode(bytes)));
    expect(batch.rowCount).toBe(0);
  });

  it('refuses missing or malformed record metadata as toRow does', () => {
    const bytes = order().encode(sampleOrder(4));
    const mapping = order().parquetMapping();
    for (const metadata of [undefined, { ...fixtureMetadata(0), offset: 'x' }, { ...fixtureMetadata(0), timestamp: 'soon' }, { ...fixtureMetadata(0), partition: 1.5 }]) {
      const expected = errorOf(() => mapping.toRow(order().decode(bytes), metadata));
      const error = refusedBetweenGoodOnes((batch) => batch.append(bytes, metadata));
      expect(error).toBeInstanceOf(ParquetMappingError);
      expect(String(error)).toBe(String(expected));
    }
  });

  it('refuses data below the recursion cut (recursionFallback "error") as toRow does', () => {
    const schema = schemas.messageType('eventpath.fixtures.TreeNode');
    const deep = { label: 'a', children: [{ label: 'b', children: [{ label: 'c', children: [{ label: 'd', children: [] }] }] }] };
    const options = { recursionDepth: 3, recursionFallback: 'error' as const, metadataColumns: false };
    const expected = errorOf(() => schema.parquetMapping(options).toRow(schema.decode(schema.encode(deep))));
    const batch = createParquetColumnBatch(schemas, 'eventpath.fixtures.TreeNode', options);
    expect(errorOf(() => batch.append(schema.encode(deep)))).toEqual(expected);
    expect(errorOf(() => batch.appendMessage(schema.decode(schema.encode(deep))))).toEqual(expected);
    expect(batch.rowCount).toBe(0);
  });

  it('refuses a Timestamp beyond what TIMESTAMP(MICROS) holds, naming the field', () => {
    const bytes = order().encode({ order_id: 'far', created_at: { seconds: 9223372036854775807n, nanos: 0 } });
    const error = refusedBetweenGoodOnes((batch) => batch.append(bytes, fixtureMetadata(2)));
    expect(error).toBeInstanceOf(ParquetMappingError);
    expect(error).toMatchObject({ fieldPath: 'created_at', reason: expect.stringMatching(/outside the range of TIMESTAMP\(MICROS\)/) });
  });

  it('refuses decoded messages with values of the wrong type, naming the path', () => {
    const message = { ...sampleOrder(5), items: [sampleOrder(5).items, { sku: 'x', quantity: 'two' }].flat() };
    const error = refusedBetweenGoodOnes((batch) => batch.appendMessage(message, fixtureMetadata(2)));
    expect(error).toBeInstanceOf(ParquetMappingError);
    expect(error).toMatchObject({ fieldPath: 'items[2].quantity', reason: expect.stringMatching(/expected an integer \(int32\), got the string "two"/) });
    const labels = refusedBetweenGoodOnes((batch) => batch.appendMessage({ ...sampleOrder(5), labels: new Map([['k', 7]]) }, fixtureMetadata(2)));
    expect(labels).toMatchObject({ fieldPath: 'labels["k"]' });
  });

  it('reads invalid UTF-8, unknown fields and a map key given twice as decode does, straight into the columns', () => {
    const money = schemas.messageType('eventpath.fixtures.Money');
    const invalidUtf8 = Buffer.from([0x0a, 0x03, 0xff, 0x61, 0xc3, 0x10, 0x05]);
    const unknownFields = Buffer.concat([Buffer.from(money.encode({ units: 3n })), Buffer.from([0xa0, 0x06, 0x01, 0xab, 0x06, 0xb3, 0x06, 0x08, 0x01, 0xb4, 0x06, 0xac, 0x06])]);
    const labels = order().encode({ labels: new Map([['k', 'first'], ['other', 'x']]) });
    const repeatedKey = Buffer.concat([labels, order().encode({ labels: new Map([['k', 'last']]) })]);
    const check = (typeName: string, bytes: Uint8Array) => {
      const schema = schemas.messageType(typeName);
      const mapping = schema.parquetMapping({ metadataColumns: false });
      const batch = createParquetColumnBatch(schemas, typeName, { metadataColumns: false });
      batch.append(bytes);
      expect(batch.slowPathCount).toBe(0);
      expect(ipc(batch.takeRecordBatch())).toEqual(ipc(recordBatchOfRows(mapping.schema, [mapping.toRow(schema.decode(bytes))])));
    };
    check('eventpath.fixtures.Money', invalidUtf8);
    check('eventpath.fixtures.Money', unknownFields);
    check('eventpath.fixtures.Order', repeatedKey);
    expect([...(order().decode(repeatedKey).labels as Map<string, string>)]).toEqual([['k', 'last'], ['other', 'x']]);
  });

  it('takes the schema object of parquetMapping, and the Arrow schema the writer expects', () => {
    const batch = createParquetColumnBatch(schemas, 'eventpath.fixtures.Order');
    expect(batch.schema).toBe(order().parquetMapping().schema);
    expect(batch.keyValueMetadata).toEqual(order().parquetMapping().keyValueMetadata);
    expect(batch.fingerprint).toBe(order().fingerprint);
    expect(() => createParquetColumnBatch(schemas, 'eventpath.fixtures.Nope')).toThrow(/Nope/);
  });
});

function varint(value: number): Buffer {
  const bytes: number[] = [];
  while (value >= 0x80) {
    bytes.push((value & 0x7f) | 0x80);
    value >>>= 7;
  }
  bytes.push(value);
  return Buffer.from(bytes);
}
