import { recordBatchOfRows } from '@eventpath/storage';
import { type RecordBatch, RecordBatchStreamWriter, Vector } from 'apache-arrow';
import type { DecodedMessage } from '../codec/decoder-compiler';
import type { SchemaSnapshot } from '../registry/schema-snapshot';
import { loadFixtureSchemas } from '../test-support/fixtures';
import { createParquetColumnBatch } from './parquet-column-batch';
import { fixtureMetadata, parquetFixtures } from './test-support/parquet-fixture-messages';

/** A batch's rows as JSON that tells -0 from 0, NaN, bigints and bytes apart (for readable differences). */
function readable(batch: RecordBatch): unknown {
  const plain = (value: unknown): unknown => {
    if (typeof value === 'number') return Object.is(value, -0) ? '-0' : Number.isNaN(value) ? 'NaN' : value;
    if (typeof value === 'bigint') return `${value}n`;
    if (value instanceof Uint8Array) return `0x${Buffer.from(value).toString('hex')}`;
    if (value === null || typeof value !== 'object') return value;
    if (value instanceof Vector) return [...value].map(plain);
    const json = typeof (value as { toJSON?: unknown }).toJSON === 'function' ? (value as { toJSON(): unknown }).toJSON() : value;
    if (Array.isArray(json)) return json.map(plain);
    return Object.fromEntries(Object.entries(json as Record<string, unknown>).map(([key, inner]) => [key, plain(inner)]));
  };
  return batch.toArray().map(plain);
}

const ipc = (batch: RecordBatch) => Buffer.from(RecordBatchStreamWriter.writeAll([batch]).toUint8Array(true));

/**
 * The columnar path must give exactly what the row path gives: for every fixture type and
 * message of libs/schemas, the Arrow record batch built by ParquetColumnBatch (from protobuf
 * bytes, and from decoded messages) equals, buffer for buffer, the batch libs/storage builds
 * from the rows toRow makes of the same records. The bytes come straight into the columns
 * (no slow path taken).
 */
describe('ParquetColumnBatch gives what toRow gives', () => {
  let schemas: SchemaSnapshot;

  beforeAll(async () => {
    schemas = await loadFixtureSchemas();
  });

  describe.each(parquetFixtures().map((fixture) => [fixture.name, fixture] as const))('%s', (_name, fixture) => {
    const records = () => {
      const schema = schemas.messageType(fixture.messageType);
      return fixture.messages.map((message, index) => {
        const bytes = schema.encode(message);
        return { bytes, decoded: schema.decode(bytes), metadata: fixture.options?.metadataColumns === false ? undefined : fixtureMetadata(index) };
      });
    };
    const expected = () => {
      const mapping = schemas.messageType(fixture.messageType).parquetMapping(fixture.options);
      return recordBatchOfRows(mapping.schema, records().map((record) => mapping.toRow(record.decoded, record.metadata)));
    };

    it('from protobuf bytes, decoded straight into the columns', () => {
      const batch = createParquetColumnBatch(schemas, fixture.messageType, fixture.options);
      for (const record of records()) batch.append(record.bytes, record.metadata);
      expect(batch.slowPathCount).toBe(0);
      const actual = batch.takeRecordBatch();
      const reference = expected();
      expect(readable(actual)).toEqual(readable(reference));
      expect(ipc(actual)).toEqual(ipc(reference));
    });

    it('from decoded messages', () => {
      const batch = createParquetColumnBatch(schemas, fixture.messageType, fixture.options);
      for (const record of records()) batch.appendMessage(record.decoded, record.metadata);
      const actual = batch.takeRecordBatch();
      expect(ipc(actual)).toEqual(ipc(expected()));
    });

    it("from a MessageSchema's parquetColumnBatch, bytes and decoded messages alike", () => {
      const batch = schemas.messageType(fixture.messageType).parquetColumnBatch(fixture.options);
      for (const [index, record] of records().entries()) {
        if (index % 2 === 0) batch.append(record.bytes, record.metadata);
        else batch.appendMessage(record.decoded, record.metadata);
      }
      expect(batch.slowPathCount).toBe(0);
      expect(batch.schema).toBe(schemas.messageType(fixture.messageType).parquetMapping(fixture.options).schema);
      expect(ipc(batch.takeRecordBatch())).toEqual(ipc(expected()));
    });

    it('from the bytes of two records concatenated, which protobuf reads as one merged message', () => {
      const schema = schemas.messageType(fixture.messageType);
      const pairs = records().map((record, index, all) => {
        const next = all[(index + 1) % all.length];
        const bytes = Buffer.concat([record.bytes, next.bytes]);
        return { bytes, decoded: schema.decode(bytes) as DecodedMessage, metadata: record.metadata };
      });
      const batch = createParquetColumnBatch(schemas, fixture.messageType, fixture.options);
      for (const pair of pairs) batch.append(pair.bytes, pair.metadata);
      expect(batch.slowPathCount).toBe(0);
      const mapping = schema.parquetMapping(fixture.options);
      const reference = recordBatchOfRows(mapping.schema, pairs.map((pair) => mapping.toRow(pair.decoded, pair.metadata)));
      const actual = batch.takeRecordBatch();
      expect(readable(actual)).toEqual(readable(reference));
      expect(ipc(actual)).toEqual(ipc(reference));
    });
  });
});
