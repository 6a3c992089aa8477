import { createParquetWriter } from '@eventpath/storage';
import type { DecodedMessage } from '../codec/decoder-compiler';
import type { MessageSchema } from '../registry/message-schema';
import type { SchemaSnapshot } from '../registry/schema-snapshot';
import { loadFixtureSchemas } from '../test-support/fixtures';
import { extremeScalars, maxScalars, sampleOrder } from '../test-support/sample-values';
import type { RecordMetadata } from './metadata-columns';
import { ReadBack } from './test-support/read-back';

/**
 * The archiver's path end to end: messages are encoded, decoded, mapped to
 * rows, written by libs/storage's Parquet writer and read back by DuckDB,
 * which must see the values and column types a data team expects. Expected
 * values are computed from the original messages, not from the rows.
 */
describe('protobuf messages archived as Parquet and read back by DuckDB', () => {
  let schemas: SchemaSnapshot;
  let readBack: ReadBack;

  beforeAll(async () => {
    schemas = await loadFixtureSchemas('descriptorSet');
    readBack = await ReadBack.open();
  });

  afterAll(async () => {
    await readBack?.close();
  });

  const query = (sql: string) => readBack.query(sql);
  const columnTypes = (path: string) => readBack.columnTypes(path);

  async function archive(schema: MessageSchema, messages: DecodedMessage[], name: string): Promise<string> {
    const mapping = schema.parquetMapping();
    const path = readBack.path(name);
    const writer = await createParquetWriter(path, { schema: mapping.schema, keyValueMetadata: { ...mapping.keyValueMetadata } });
    const rows = messages.map((message, index) => mapping.toRow(schema.decode(schema.encode(message)), metadataFor(index)));
    await writer.appendRows(rows);
    await writer.close();
    return path;
  }

  it('keeps every scalar at its extremes, with unsigned types as unsigned', async () => {
    const schema = schemas.messageType('eventpath.fixtures.Scalars');
    const messages = [extremeScalars(), maxScalars(), schema.decode(new Uint8Array(0))];
    const path = await archive(schema, messages, 'scalars.parquet');
    expect(await columnTypes(path)).toMatchObject({
      f_double: 'DOUBLE',
      f_float: 'FLOAT',
      f_int32: 'INTEGER',
      f_int64: 'BIGINT',
      f_uint32: 'UINTEGER',
      f_uint64: 'UBIGINT',
      f_sint32: 'INTEGER',
      f_sint64: 'BIGINT',
      f_fixed32: 'UINTEGER',
      f_fixed64: 'UBIGINT',
      f_sfixed32: 'INTEGER',
      f_sfixed64: 'BIGINT',
      f_bool: 'BOOLEAN',
      f_string: 'VARCHAR',
      f_bytes: 'BLOB',
      __kafka_timestamp: 'TIMESTAMP WITH TIME ZONE',
    });
    const rows = await query(
      `SELECT * REPLACE (hex(f_bytes) AS f_bytes, epoch_us(__kafka_timestamp)::VARCHAR AS __kafka_timestamp)
       FROM read_parquet('${path}') ORDER BY __kafka_offset`,
    );
    expect(rows).toEqual(
      messages.map((message, index) => ({
        ...Object.fromEntries(
          Object.entries(message).map(([key, value]) => [
            key,
            value instanceof Uint8Array ? Buffer.from(value).toString('hex').toUpperCase() : typeof value === 'bigint' ? String(value) : value,
          ]),
        ),
        ...expectedMetadataJson(index),
      })),
    );
  });

  it('keeps nested messages, lists, maps, oneofs, enums, timestamps, wrappers and JSON-mapped types', async () => {
    const schema = schemas.messageType('eventpath.fixtures.Order');
    const messages = Array.from({ length: 40 }, (_, index) => orderVariant(index));
    const path = await archive(schema, messages, 'orders.parquet');

    const types = await columnTypes(path);
    expect(types).toMatchObject({
      order_id: 'VARCHAR',
      customer: 'STRUCT(customer_id VARCHAR, "name" VARCHAR, address STRUCT(street VARCHAR, city VARCHAR, country_code VARCHAR), phone_numbers VARCHAR[])',
      labels: 'MAP(VARCHAR, VARCHAR)',
      flags: 'MAP(BOOLEAN, INTEGER)',
      status: 'VARCHAR',
      status_history: 'VARCHAR[]',
      card: 'STRUCT(last4 VARCHAR, network VARCHAR, expiry_month UINTEGER, expiry_year UINTEGER)',
      voucher_code: 'VARCHAR',
      cash: 'BOOLEAN',
      created_at: 'TIMESTAMP WITH TIME ZONE',
      checkpoints: 'TIMESTAMP WITH TIME ZONE[]',
      tip: 'DOUBLE',
      note: 'VARCHAR',
      loyalty_points: 'BIGINT',
      gift: 'BOOLEAN',
      attributes: 'JSON',
      extension: 'JSON',
      preparation: 'STRUCT("seconds" BIGINT, nanos INTEGER)',
      total_micros: 'BIGINT',
      __kafka_topic: 'VARCHAR',
      __kafka_partition: 'INTEGER',
      __kafka_offset: 'BIGINT',
      __kafka_timestamp: 'TIMESTAMP WITH TIME ZONE',
      __event_id: 'VARCHAR',
    });
    expect(types.items).toMatch(/^STRUCT\(sku VARCHAR, quantity INTEGER, price DOUBLE, discounts STRUCT\(.*\)\[\], stock_by_store MAP\(VARCHAR, INTEGER\)\)\[\]$/);
    expect(types.items_by_line).toMatch(/^MAP\(BIGINT, STRUCT\(sku VARCHAR/);

    const rows = await query(`
      SELECT * REPLACE (
        epoch_us(created_at)::VARCHAR AS created_at,
        list_transform(checkpoints, t -> epoch_us(t)::VARCHAR) AS checkpoints,
        epoch_us(__kafka_timestamp)::VARCHAR AS __kafka_timestamp,
        attributes::VARCHAR AS attributes,
        extension::VARCHAR AS extension
      ) FROM read_parquet('${path}') ORDER BY __kafka_offset`);
    expect(rows).toHaveLength(messages.length);
    rows.forEach((row, index) => {
      const expected = expectedOrderJson(schema, messages[index]);
      expect({ index, ...row, attributes: parseJson(row.attributes), extension: parseJson(row.extension) }).toEqual({
        index,
        ...expected,
        ...expectedMetadataJson(index),
      });
    });

    const footer = await query(`SELECT decode(key) AS key, decode(value) AS value FROM parquet_kv_metadata('${path}')`);
    expect(Object.fromEntries(footer.map((entry) => [entry.key, entry.value]))).toMatchObject({
      'eventpath.schema.message_type': 'eventpath.fixtures.Order',
      'eventpath.schema.fingerprint': schema.fingerprint,
    });
  });

  it('keeps a recursive message to the configured depth and the rest as JSON', async () => {
    const schema = schemas.messageType('eventpath.fixtures.TreeNode');
    const leaf = (label: string) => ({ label, children: [], named: new Map() });
    const tree = {
      label: 'root',
      children: [{ label: 'a', children: [{ label: 'b', children: [leaf('c')], named: new Map() }], named: new Map([['x', leaf('y')]]) }],
      named: new Map(),
    };
    const path = await archive(schema, [tree], 'tree.parquet');
    const [row] = await query(`SELECT children[1].children[1] AS b, children[1].named AS named FROM read_parquet('${path}')`);
    expect(row.b).toEqual({ label: 'b', children: ['{"label":"c"}'], named: [] });
    expect(row.named).toEqual([{ key: 'x', value: { label: 'y', children: [], named: [] } }]);
  });
});

function metadataFor(index: number): RecordMetadata {
  return {
    topic: 'fixtures',
    partition: index % 3,
    offset: String(1_000_000_000_000 + index),
    timestamp: String(1714564800000 + index),
    eventId: index % 5 === 0 ? null : `event-${index}`,
  };
}

function expectedMetadataJson(index: number): Record<string, unknown> {
  const metadata = metadataFor(index);
  return {
    __kafka_topic: metadata.topic,
    __kafka_partition: metadata.partition,
    __kafka_offset: String(metadata.offset),
    __kafka_timestamp: String(BigInt(metadata.timestamp as string) * 1000n),
    __event_id: metadata.eventId ?? null,
  };
}

/** Four shapes: each oneof branch and none, with fields left unset. */
function orderVariant(index: number): DecodedMessage {
  const { card, ...withoutCard } = sampleOrder(index);
  switch (index % 4) {
    case 0:
      return { ...withoutCard, card };
    case 1:
      return { ...withoutCard, voucher_code: `V-${index}`, tip: undefined, attributes: undefined, status: 'STATUS_SHIPPED' };
    case 2:
      return { ...withoutCard, cash: {}, customer: undefined, items: [], labels: new Map(), checkpoints: [], extension: undefined };
    default:
      return {
        ...withoutCard,
        status: 'STATUS_UNSPECIFIED',
        created_at: undefined,
        gift: undefined,
        extension: {
          type_url: 'type.googleapis.com/eventpath.fixtures.Money',
          value: new Uint8Array([10, 3, 73, 68, 82, 16, 5]),
        },
      };
  }
}

/** What DuckDB's JSON rows should hold for an Order, derived from the message itself. */
function expectedOrderJson(schema: MessageSchema, order: DecodedMessage): Record<string, unknown> {
  const big = (value: unknown) => String(value);
  const micros = (timestamp: { seconds: bigint; nanos: number }) =>
    String(timestamp.seconds * 1_000_000n + BigInt(Math.floor(timestamp.nanos / 1000)));
  const money = (value: DecodedMessage) => ({ currency_code: value.currency_code, units: big(value.units), nanos: value.nanos });
  const item = (value: DecodedMessage) => ({
    sku: value.sku,
    quantity: value.quantity,
    price: value.price,
    discounts: (value.discounts as DecodedMessage[]).map(money),
    stock_by_store: [...(value.stock_by_store as Map<string, { value: number }>)].map(([key, wrapped]) => ({ key, value: wrapped.value })),
  });
  const customer = order.customer as DecodedMessage | undefined;
  const json = schema.toJson(order) as Record<string, unknown>;
  return {
    order_id: order.order_id,
    customer: customer
      ? { customer_id: customer.customer_id, name: customer.name, address: customer.address, phone_numbers: customer.phone_numbers }
      : null,
    items: (order.items as DecodedMessage[]).map(item),
    labels: [...(order.labels as Map<string, string>)].map(([key, value]) => ({ key, value })),
    items_by_line: [...(order.items_by_line as Map<bigint, DecodedMessage>)].map(([key, value]) => ({ key: big(key), value: item(value) })),
    status: order.status,
    card: order.card ?? null,
    voucher_code: order.voucher_code ?? null,
    cash: order.cash ? true : null,
    created_at: order.created_at ? micros(order.created_at as { seconds: bigint; nanos: number }) : null,
    tip: (order.tip as { value: number } | undefined)?.value ?? null,
    note: (order.note as { value: string } | undefined)?.value ?? null,
    loyalty_points: order.loyalty_points ? big((order.loyalty_points as { value: bigint }).value) : null,
    gift: (order.gift as { value: boolean } | undefined)?.value ?? null,
    attributes: json.attributes ?? null,
    extension: json.extension ?? null,
    preparation: { seconds: big((order.preparation as DecodedMessage).seconds), nanos: (order.preparation as DecodedMessage).nanos },
    updated_fields: order.updated_fields,
    status_history: order.status_history,
    flags: [...(order.flags as Map<boolean, number>)].map(([key, value]) => ({ key, value })),
    checkpoints: (order.checkpoints as { seconds: bigint; nanos: number }[]).map(micros),
    total_micros: big(order.total_micros),
    total: money(order.total as DecodedMessage),
  };
}

function parseJson(text: unknown): unknown {
  return typeof text === 'string' ? JSON.parse(text) : text;
}

