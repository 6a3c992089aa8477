/**
 * libs/schemas benchmark: what the archiver does per record (decode protobuf bytes, map
 * the message to a Parquet row) and what the gateway does per event (JSON to protobuf
 * bytes), on a typical ~20-field event with nested, repeated and map fields.
 *
 *   npx tsx tools/bench/schemas.bench.ts           300 000 events per scenario
 *   npx tsx tools/bench/schemas.bench.ts --smoke   5 000 events (CI)
 *
 * Baselines, in the same run: protobufjs decoding the same bytes with the same schema
 * (its generated decoder, the usual choice), alone and followed by its toObject. Each
 * scenario runs in its own child process so that its peak RSS is its own. Before timing,
 * every scenario checks its output against the generated events; a mismatch fails the run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as schemasLib from '@eventpath/schemas';
import type { MessageSchema, ParquetColumnBatch, RecordMetadata, SchemaSnapshot } from '@eventpath/schemas';
import * as storageLib from '@eventpath/storage';
import { type RecordBatch, RecordBatchStreamWriter } from 'apache-arrow';
import { loadBenchSnapshot, TYPE_NAME, typicalEvents } from './typical-protobuf-event';

const lazyRequire = createRequire(__filename);
const protobufjs = () => lazyRequire('protobufjs') as typeof import('protobufjs');

const SMOKE = process.argv.includes('--smoke');
const EVENTS = SMOKE ? 5_000 : 300_000;
const DISTINCT_EVENTS = SMOKE ? 1_000 : 10_000;


interface Result {
  scenario: string;
  events: number;
  seconds: number;
  maxRssBytes: number;
}


async function loadBenchSchema(workDir: string): Promise<MessageSchema> {
  return (await loadBenchSnapshot(workDir)).schema;
}

/** Rows an Arrow record batch is taken after, as a writer takes them (~one 8 MiB row group of this event). */
const ARROW_BATCH_ROWS = 10_000;

/** Before timing: the columnar batch of the events must equal, buffer for buffer, the batch of their rows. */
function checkColumnsEqualRows(
  snapshot: SchemaSnapshot,
  schema: MessageSchema,
  encoded: Uint8Array[],
  metadata: RecordMetadata,
  append: (columns: ParquetColumnBatch, bytes: Uint8Array) => void,
): void {
  const mapping = schema.parquetMapping();
  const columns = schemasLib.createParquetColumnBatch(snapshot, TYPE_NAME);
  for (const bytes of encoded) append(columns, bytes);
  const ipc = (batch: RecordBatch) => Buffer.from(RecordBatchStreamWriter.writeAll([batch]).toUint8Array(true));
  const rows = storageLib.recordBatchOfRows(mapping.schema, encoded.map((bytes) => mapping.toRow(schema.decode(bytes), metadata)));
  check(ipc(columns.takeRecordBatch()).equals(ipc(rows)), 'the Arrow columns equal the rows toRow makes');
}

function protobufjsType(workDir: string) {
  const protobuf = protobufjs();
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => (target.startsWith('google/protobuf/') ? target : join(workDir, 'protos', target));
  root.loadSync('bench/events.proto', { keepCase: true });
  return root.lookupType(TYPE_NAME);
}

/** Runs `perEvent` over the encoded events until EVENTS have been processed; returns seconds. */
function timeLoop(inputs: readonly unknown[], perEvent: (input: unknown) => unknown): number {
  // Warm up the JIT before timing.
  for (let i = 0; i < Math.min(inputs.length, 2_000); i++) perEvent(inputs[i]);
  let sink = 0;
  const start = process.hrtime.bigint();
  for (let done = 0; done < EVENTS; done++) {
    if (perEvent(inputs[done % inputs.length]) !== undefined) sink++;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (sink !== EVENTS) throw new Error('a scenario produced no output');
  return seconds;
}

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`check failed: ${what}`);
}

const SCENARIOS: Record<string, (workDir: string) => Promise<number>> = {
  async 'protobufjs decode (baseline)'(workDir) {
    const schema = await loadBenchSchema(workDir);
    const type = protobufjsType(workDir);
    const events = typicalEvents(DISTINCT_EVENTS);
    const encoded = events.map((event) => schema.encode(event));
    const first = type.toObject(type.decode(encoded[0]), { longs: String }) as Record<string, unknown>;
    check(first.event_id === events[0].event_id && first.user_id === String(events[0].user_id), 'protobufjs reads the events');
    return timeLoop(encoded, (bytes) => type.decode(bytes as Uint8Array));
  },

  async 'protobufjs decode + toObject (baseline)'(workDir) {
    const schema = await loadBenchSchema(workDir);
    const type = protobufjsType(workDir);
    const encoded = typicalEvents(DISTINCT_EVENTS).map((event) => schema.encode(event));
    const options = { longs: String, enums: String, bytes: Buffer };
    return timeLoop(encoded, (bytes) => type.toObject(type.decode(bytes as Uint8Array), options));
  },

  async 'schemas decode'(workDir) {
    const schema = await loadBenchSchema(workDir);
    const events = typicalEvents(DISTINCT_EVENTS);
    const encoded = events.map((event) => schema.encode(event));
    encoded.forEach((bytes, index) => {
      const decoded = schema.decode(bytes);
      check(decoded.event_id === events[index].event_id && decoded.user_id === events[index].user_id, `event ${index} decodes`);
    });
    return timeLoop(encoded, (bytes) => schema.decode(bytes as Uint8Array));
  },

  async 'schemas decode + toRow'(workDir) {
    const schema = await loadBenchSchema(workDir);
    const mapping = schema.parquetMapping();
    const events = typicalEvents(DISTINCT_EVENTS);
    const encoded = events.map((event) => schema.encode(event));
    const metadata = { topic: 'events', partition: 0, offset: '0', timestamp: '1714564800000', eventId: 'e' };
    encoded.forEach((bytes, index) => {
      const row = mapping.toRow(schema.decode(bytes), metadata);
      const event = events[index];
      check(
        row.event_id === event.event_id &&
          row.user_id === event.user_id &&
          row.amount === (event.amount as { value: number }).value &&
          (row.items as unknown[]).length === (event.items as unknown[]).length &&
          row.event_time === (event.event_time as { seconds: bigint }).seconds * 1_000_000n + BigInt((event.event_time as { nanos: number }).nanos / 1000),
        `event ${index} maps to its row`,
      );
    });
    return timeLoop(encoded, (bytes) => mapping.toRow(schema.decode(bytes as Uint8Array), metadata));
  },

  async 'schemas bytes → Arrow columns (ParquetColumnBatch.append)'(workDir) {
    const { snapshot, schema } = await loadBenchSnapshot(workDir);
    const events = typicalEvents(DISTINCT_EVENTS);
    const encoded = events.map((event) => schema.encode(event));
    const metadata = { topic: 'events', partition: 0, offset: '0', timestamp: '1714564800000', eventId: 'e' };
    checkColumnsEqualRows(snapshot, schema, encoded, metadata, (columns, bytes) => columns.append(bytes, metadata));
    const columns = schemasLib.createParquetColumnBatch(snapshot, TYPE_NAME);
    const seconds = timeLoop(encoded, (bytes) => {
      columns.append(bytes as Uint8Array, metadata);
      if (columns.rowCount === ARROW_BATCH_ROWS) columns.takeRecordBatch();
      return 1;
    });
    check(columns.slowPathCount === 0, 'every record decoded straight into the columns');
    return seconds;
  },

  async 'schemas decode + appendMessage (Arrow columns)'(workDir) {
    const { snapshot, schema } = await loadBenchSnapshot(workDir);
    const encoded = typicalEvents(DISTINCT_EVENTS).map((event) => schema.encode(event));
    const metadata = { topic: 'events', partition: 0, offset: '0', timestamp: '1714564800000', eventId: 'e' };
    checkColumnsEqualRows(snapshot, schema, encoded, metadata, (columns, bytes) => columns.appendMessage(schema.decode(bytes), metadata));
    const columns = schemasLib.createParquetColumnBatch(snapshot, TYPE_NAME);
    return timeLoop(encoded, (bytes) => {
      columns.appendMessage(schema.decode(bytes as Uint8Array), metadata);
      if (columns.rowCount === ARROW_BATCH_ROWS) columns.takeRecordBatch();
      return 1;
    });
  },

  async 'schemas decode + toRow + rows to Arrow columns (row path into Arrow)'(workDir) {
    const schema = await loadBenchSchema(workDir);
    const mapping = schema.parquetMapping();
    const encoded = typicalEvents(DISTINCT_EVENTS).map((event) => schema.encode(event));
    const metadata = { topic: 'events', partition: 0, offset: '0', timestamp: '1714564800000', eventId: 'e' };
    const { recordBatchOfRows } = storageLib;
    let rows: Record<string, unknown>[] = [];
    return timeLoop(encoded, (bytes) => {
      rows.push(mapping.toRow(schema.decode(bytes as Uint8Array), metadata));
      if (rows.length === ARROW_BATCH_ROWS) {
        recordBatchOfRows(mapping.schema, rows);
        rows = [];
      }
      return 1;
    });
  },

  async 'schemas fromJson + encode (gateway path)'(workDir) {
    const schema = await loadBenchSchema(workDir);
    const events = typicalEvents(DISTINCT_EVENTS);
    const json = events.map((event) => JSON.parse(JSON.stringify(schema.toJson(event))) as unknown);
    json.forEach((value, index) => {
      const bytes = schema.encode(schema.fromJson(value));
      check(Buffer.compare(Buffer.from(bytes), Buffer.from(schema.encode(events[index]))) === 0, `event ${index} round-trips through JSON`);
    });
    return timeLoop(json, (value) => schema.encode(schema.fromJson(value)));
  },
};

function runChild(name: string, workDir: string): Result {
  const child = spawnSync(process.execPath, [...process.execArgv, __filename, '--child', name, workDir, ...(SMOKE ? ['--smoke'] : [])], {
    encoding: 'utf8',
    timeout: SMOKE ? 60_000 : 900_000,
  });
  const line = child.stdout?.split('\n').find((l) => l.startsWith('RESULT '));
  if (child.status !== 0 || !line) throw new Error(`scenario ${name} failed (exit ${child.status}):\n${child.stdout}\n${child.stderr}`);
  return JSON.parse(line.slice('RESULT '.length)) as Result;
}

function printTable(results: Result[]): void {
  const header = ['scenario', 'events/s', 'µs/event', 'peak RSS MiB'];
  const rows = results.map((r) => [
    r.scenario,
    Math.round(r.events / r.seconds).toLocaleString('en-US'),
    ((r.seconds / r.events) * 1e6).toFixed(2),
    (r.maxRssBytes / 1024 / 1024).toFixed(0),
  ]);
  const widths = header.map((h, column) => Math.max(h.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

async function main(): Promise<void> {
  const childAt = process.argv.indexOf('--child');
  if (childAt >= 0) {
    const [name, workDir] = process.argv.slice(childAt + 1);
    const seconds = await SCENARIOS[name](workDir);
    const result: Result = { scenario: name, events: EVENTS, seconds, maxRssBytes: process.resourceUsage().maxRSS * 1024 };
    console.log(`RESULT ${JSON.stringify(result)}`);
    return;
  }

  const workDir = await mkdtemp(join(tmpdir(), 'schemas-bench-'));
  try {
    console.log(
      `libs/schemas benchmark${SMOKE ? ' (smoke)' : ''}: ${EVENTS} decodes of a typical event ` +
        `(20 fields: nested, repeated, map, oneof, Timestamp, wrapper; ${DISTINCT_EVENTS} distinct), one process per scenario\n`,
    );
    const results = Object.keys(SCENARIOS).map((name) => runChild(name, workDir));
    printTable(results);
    const rate = (scenario: string) => {
      const result = results.find((r) => r.scenario === scenario) as Result;
      return result.events / result.seconds;
    };
    const baseline = rate('protobufjs decode (baseline)');
    console.log(
      `\ndecode + toRow runs at ${((rate('schemas decode + toRow') / baseline) * 100).toFixed(0)}% of protobufjs's bare decode rate ` +
        `(schemas decode alone: ${((rate('schemas decode') / baseline) * 100).toFixed(0)}%).`,
    );
    const bytesToColumns = rate('schemas bytes → Arrow columns (ParquetColumnBatch.append)');
    const messagesToColumns = rate('schemas decode + appendMessage (Arrow columns)');
    console.log(
      `Into Arrow columns: from bytes ${(bytesToColumns / messagesToColumns).toFixed(2)}x the rate of decode + appendMessage, ` +
        `${(bytesToColumns / rate('schemas decode + toRow + rows to Arrow columns (row path into Arrow)')).toFixed(2)}x decode + toRow + rows to Arrow, ` +
        `${(bytesToColumns / rate('schemas decode + toRow')).toFixed(2)}x decode + toRow alone.`,
    );
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
