import type { ParquetField, ParquetGroupField, ParquetListField, ParquetMapField } from '@eventpath/storage';
import { ParquetMappingError } from '../errors';
import { loadSchemas } from '../registry/load-schemas';
import type { SchemaSnapshot } from '../registry/schema-snapshot';
import { loadFixtureSchemas } from '../test-support/fixtures';
import { sampleOrder } from '../test-support/sample-values';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const field = (fields: readonly ParquetField[], name: string): ParquetField => {
  const found = fields.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no column ${name} among ${fields.map((f) => f.name).join(', ')}`);
  return found;
};
const shape = (column: ParquetField) =>
  column.kind === 'primitive'
    ? [column.repetition, column.physicalType, column.logicalType ?? null]
    : [column.repetition, column.kind];

async function schemasFromText(text: string): Promise<SchemaSnapshot> {
  const directory = await mkdtemp(join(tmpdir(), 'schemas-parquet-'));
  await mkdir(join(directory, 'p'));
  await writeFile(join(directory, 'p', 'm.proto'), `syntax = "proto3"; package p; ${text}`);
  return loadSchemas([{ kind: 'protoDirectory', name: 'inline', directory }]);
}

describe('Parquet mapping', () => {
  let schemas: SchemaSnapshot;
  beforeAll(async () => {
    schemas = await loadFixtureSchemas();
  });

  it('gives every scalar type its physical and logical type; implicit fields are REQUIRED, optional ones OPTIONAL', () => {
    const columns = schemas.messageType('eventpath.fixtures.Scalars').parquetMapping({ metadataColumns: false }).schema.fields;
    const unsigned = (bitWidth: number) => ({ type: 'INTEGER', bitWidth, signed: false });
    expect(Object.fromEntries(columns.map((column) => [column.name, shape(column)]))).toEqual({
      f_double: ['REQUIRED', 'DOUBLE', null],
      f_float: ['REQUIRED', 'FLOAT', null],
      f_int32: ['REQUIRED', 'INT32', null],
      f_int64: ['REQUIRED', 'INT64', null],
      f_uint32: ['REQUIRED', 'INT32', unsigned(32)],
      f_uint64: ['REQUIRED', 'INT64', unsigned(64)],
      f_sint32: ['REQUIRED', 'INT32', null],
      f_sint64: ['REQUIRED', 'INT64', null],
      f_fixed32: ['REQUIRED', 'INT32', unsigned(32)],
      f_fixed64: ['REQUIRED', 'INT64', unsigned(64)],
      f_sfixed32: ['REQUIRED', 'INT32', null],
      f_sfixed64: ['REQUIRED', 'INT64', null],
      f_bool: ['REQUIRED', 'BOOLEAN', null],
      f_string: ['REQUIRED', 'BYTE_ARRAY', { type: 'STRING' }],
      f_bytes: ['REQUIRED', 'BYTE_ARRAY', null],
    });
    const optional = schemas.messageType('eventpath.fixtures.OptionalScalars').parquetMapping({ metadataColumns: false }).schema.fields;
    expect(optional.map((column) => column.repetition)).toEqual(columns.map(() => 'OPTIONAL'));
  });

  it('maps wrappers to optional scalars of the wrapped type', () => {
    const columns = schemas.messageType('eventpath.fixtures.Wrapped').parquetMapping({ metadataColumns: false }).schema.fields;
    expect(columns.map((column) => shape(column))).toEqual([
      ['OPTIONAL', 'DOUBLE', null],
      ['OPTIONAL', 'FLOAT', null],
      ['OPTIONAL', 'INT64', null],
      ['OPTIONAL', 'INT64', { type: 'INTEGER', bitWidth: 64, signed: false }],
      ['OPTIONAL', 'INT32', null],
      ['OPTIONAL', 'INT32', { type: 'INTEGER', bitWidth: 32, signed: false }],
      ['OPTIONAL', 'BOOLEAN', null],
      ['OPTIONAL', 'BYTE_ARRAY', { type: 'STRING' }],
      ['OPTIONAL', 'BYTE_ARRAY', null],
    ]);
  });

  it('maps messages to groups, repeated fields to lists, maps to maps, oneof members to optional columns', () => {
    const mapping = schemas.messageType('eventpath.fixtures.Order').parquetMapping();
    const columns = mapping.schema.fields;
    const customer = field(columns, 'customer') as ParquetGroupField;
    expect(shape(customer)).toEqual(['OPTIONAL', 'group']);
    expect(shape(field(customer.fields, 'address'))).toEqual(['OPTIONAL', 'group']);
    const items = field(columns, 'items') as ParquetListField;
    expect(shape(items)).toEqual(['REQUIRED', 'list']);
    expect(items.element).toMatchObject({ kind: 'group', name: 'element', repetition: 'REQUIRED' });
    const stock = field((items.element as ParquetGroupField).fields, 'stock_by_store') as ParquetMapField;
    expect(stock.key).toMatchObject({ physicalType: 'BYTE_ARRAY', logicalType: { type: 'STRING' }, repetition: 'REQUIRED' });
    expect(shape(stock.value)).toEqual(['REQUIRED', 'INT32', null]);
    expect((field(columns, 'items_by_line') as ParquetMapField).key).toMatchObject({ physicalType: 'INT64' });
    expect((field(columns, 'flags') as ParquetMapField).key).toMatchObject({ physicalType: 'BOOLEAN' });
    expect(shape(field(columns, 'status'))).toEqual(['REQUIRED', 'BYTE_ARRAY', { type: 'STRING' }]);
    expect((field(columns, 'status_history') as ParquetListField).element).toMatchObject({ logicalType: { type: 'STRING' } });
    expect(shape(field(columns, 'card'))).toEqual(['OPTIONAL', 'group']);
    expect(shape(field(columns, 'voucher_code'))).toEqual(['OPTIONAL', 'BYTE_ARRAY', { type: 'STRING' }]);
    // google.protobuf.Empty has no fields; Parquet has no empty groups, so its presence is a boolean.
    expect(shape(field(columns, 'cash'))).toEqual(['OPTIONAL', 'BOOLEAN', null]);
    const utc = { type: 'TIMESTAMP', unit: 'MICROS', isAdjustedToUTC: true };
    expect(shape(field(columns, 'created_at'))).toEqual(['OPTIONAL', 'INT64', utc]);
    expect(shape((field(columns, 'checkpoints') as ParquetListField).element)).toEqual(['REQUIRED', 'INT64', utc]);
    expect(shape(field(columns, 'attributes'))).toEqual(['OPTIONAL', 'BYTE_ARRAY', { type: 'JSON' }]);
    expect(shape(field(columns, 'extension'))).toEqual(['OPTIONAL', 'BYTE_ARRAY', { type: 'JSON' }]);
    expect((field(columns, 'preparation') as ParquetGroupField).fields.map((f) => f.name)).toEqual(['seconds', 'nanos']);
    expect(columns.slice(-5).map((column) => column.name)).toEqual([
      '__kafka_topic',
      '__kafka_partition',
      '__kafka_offset',
      '__kafka_timestamp',
      '__event_id',
    ]);
    expect(mapping.keyValueMetadata).toEqual({
      'eventpath.schema.message_type': 'eventpath.fixtures.Order',
      'eventpath.schema.fingerprint': schemas.messageType('eventpath.fixtures.Order').fingerprint,
    });
  });

  it('turns a decoded message into a row shaped as the writers take it', () => {
    const schema = schemas.messageType('eventpath.fixtures.Order');
    const order = schema.decode(schema.encode(sampleOrder(1)));
    const row = schema.parquetMapping().toRow(order, {
      topic: 'orders',
      partition: 3,
      offset: '9007199254740993',
      timestamp: '1714564800123',
      eventId: 'ev-1',
    });
    expect(row).toMatchObject({
      order_id: 'order-1',
      status: 'STATUS_PAID',
      created_at: 1714564801n * 1_000_000n + 123456n,
      checkpoints: [0n, -1n],
      tip: 0,
      note: 'leave at the door',
      loyalty_points: -9223372036854775808n,
      voucher_code: null,
      cash: null,
      card: { last4: '4242', network: 'visa', expiry_month: 12, expiry_year: 4294967295 },
      labels: [
        { key: 'channel', value: 'app' },
        { key: 'ünïcode', value: 'värde' },
      ],
      flags: [
        { key: true, value: 1 },
        { key: false, value: -1 },
      ],
      preparation: { seconds: 90n, nanos: 500000000 },
      __kafka_topic: 'orders',
      __kafka_partition: 3,
      __kafka_offset: 9007199254740993n,
      __kafka_timestamp: 1714564800123000n,
      __event_id: 'ev-1',
    });
    expect((row.items as { stock_by_store: unknown }[])[0].stock_by_store).toEqual([
      { key: 'jkt-1', value: 12 },
      { key: 'sby-2', value: 0 },
    ]);
    expect(JSON.parse(row.attributes as string)).toEqual((schema.toJson(order) as { attributes: unknown }).attributes);
  });

  it('stores an enum number the schema does not know as its decimal string', () => {
    const row = schemas
      .messageType('eventpath.fixtures.Order')
      .parquetMapping({ metadataColumns: false })
      .toRow({ status: 42, status_history: [1, 'STATUS_PAID'] });
    expect(row.status).toBe('42');
    expect(row.status_history).toEqual(['1', 'STATUS_PAID']);
  });

  it('stores an Any whose type the registry lacks as JSON with the raw bytes', () => {
    const row = schemas
      .messageType('eventpath.fixtures.Order')
      .parquetMapping({ metadataColumns: false })
      .toRow({ extension: { type_url: 'type.googleapis.com/x.Unknown', value: new Uint8Array([1, 2]) } });
    expect(JSON.parse(row.extension as string)).toEqual({ '@type': 'type.googleapis.com/x.Unknown', value: 'AQI=' });
  });

  it('needs record metadata when metadata columns are on', () => {
    const mapping = schemas.messageType('eventpath.fixtures.Money').parquetMapping();
    expect(() => mapping.toRow({ units: 1n })).toThrow(ParquetMappingError);
    expect(() => mapping.toRow({}, { topic: 't', partition: 0, offset: 'x', timestamp: 0 })).toThrow(/metadata offset/);
  });

  it('refuses top-level fields that could collide with the metadata columns', async () => {
    const clashing = await schemasFromText('message M { string __kafka_topic = 1; string name = 2; }');
    expect(() => clashing.messageType('p.M').parquetMapping()).toThrow(expect.objectContaining({ fieldPath: '__kafka_topic' }));
    expect(clashing.messageType('p.M').parquetMapping({ metadataColumns: false }).schema.fields.map((f) => f.name)).toEqual([
      '__kafka_topic',
      'name',
    ]);
  });

  describe('recursive messages', () => {
    const tree = (depth: number): Record<string, unknown> => ({
      label: `level-${depth}`,
      children: depth > 1 ? [tree(depth - 1)] : [],
      named: new Map(),
    });

    it('expands a type at most recursionDepth times on a path, then stores the rest as JSON', () => {
      const schema = schemas.messageType('eventpath.fixtures.TreeNode');
      const mapping = schema.parquetMapping({ recursionDepth: 2, metadataColumns: false });
      const children = field(mapping.schema.fields, 'children') as ParquetListField;
      const grandChildren = field((children.element as ParquetGroupField).fields, 'children') as ParquetListField;
      expect(grandChildren.element).toMatchObject({ kind: 'primitive', logicalType: { type: 'JSON' }, repetition: 'REQUIRED' });
      const named = field((children.element as ParquetGroupField).fields, 'named') as ParquetMapField;
      expect(named.value).toMatchObject({ logicalType: { type: 'JSON' } });

      const row = mapping.toRow(tree(4));
      const level2 = (row.children as Record<string, unknown>[])[0];
      expect(level2.label).toBe('level-3');
      expect((level2.children as string[]).map((text) => JSON.parse(text))).toEqual([
        { label: 'level-2', children: [{ label: 'level-1' }] },
      ]);
    });

    it('with recursionFallback "error", leaves the cut field out and refuses data that reaches it', () => {
      const mapping = schemas
        .messageType('eventpath.fixtures.TreeNode')
        .parquetMapping({ recursionDepth: 2, recursionFallback: 'error', metadataColumns: false });
      const children = field(mapping.schema.fields, 'children') as ParquetListField;
      expect((children.element as ParquetGroupField).fields.map((f) => f.name)).toEqual(['label']);
      expect(mapping.toRow(tree(2))).toEqual({ label: 'level-2', children: [{ label: 'level-1' }], named: [] });
      expect(() => mapping.toRow(tree(3))).toThrow(ParquetMappingError);
      expect(() => mapping.toRow(tree(3))).toThrow(expect.objectContaining({ fieldPath: 'children.children' }));
    });

    it('cuts mutual recursion too', () => {
      const mapping = schemas.messageType('eventpath.fixtures.Folder').parquetMapping({ recursionDepth: 1, metadataColumns: false });
      const files = field(mapping.schema.fields, 'files') as ParquetListField;
      expect(field((files.element as ParquetGroupField).fields, 'link')).toMatchObject({ logicalType: { type: 'JSON' } });
    });
  });

  it('generates a mapping once per schema version and options', () => {
    const schema = schemas.messageType('eventpath.fixtures.Order');
    expect(schema.parquetMapping().schema).toBe(schema.parquetMapping().schema);
    expect(schema.parquetMapping({ recursionDepth: 4 }).schema).not.toBe(schema.parquetMapping().schema);
    expect(() => schema.parquetMapping({ recursionDepth: 0 })).toThrow(/recursionDepth must be a positive integer/);
  });
});
