/**
 * libs/storage benchmark: Parquet writers and uploads.
 *
 *   npx tsx tools/bench/storage.bench.ts           500 000 typical events, 256 MiB uploads
 *   npx tsx tools/bench/storage.bench.ts --smoke   5 000 events, 8 MiB uploads (CI)
 *
 * Each scenario runs in its own child process so that its peak RSS is its own (the
 * parquet-wasm encoder's worker thread included). Writer scenarios time only the writer
 * calls (rows are generated outside the timed part): the three implementations on the same
 * rows. End-to-end scenarios time protobuf bytes in → Parquet file out, as the archiver
 * works: decode → toRow → appendRows (the row path) against ParquetColumnBatch.append →
 * appendRecordBatch (the columnar path). Every file is read back with DuckDB: the rows, and
 * the same content and column types as hyparquet-writer's file of the same input.
 * Baselines, in the same run: the bare libraries (hyparquet-writer's ParquetWriter +
 * fileWriter, parquetjs-lite's ParquetWriter, parquet-wasm's writeParquet on Arrow tables
 * built beforehand) without this library's validation, row-group sizing, size estimate or
 * worker; for uploads, fs.copyFile and the bare @google-cloud/storage client.
 *
 * Besides the wall time (the rate), each row shows the process's CPU seconds over the same
 * span, all threads: on a machine loaded by other work, wall times of scenarios run one
 * after the other compare less well than the work each did. STORAGE_BENCH_SCENARIOS
 * (comma-separated SCENARIOS keys) runs some scenarios only.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdtemp, open, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as devInfra from '@eventpath/dev-infra';
import * as storageLib from '@eventpath/storage';
import type { ParquetField, ParquetSchema, ParquetWriterImplementation } from '@eventpath/storage';
import * as schemasLib from '@eventpath/schemas';
import type { RecordMetadata } from '@eventpath/schemas';
import type { SchemaElement } from 'hyparquet';
import type { FieldDefinition } from 'parquetjs-lite';
import { loadBenchSnapshot, TYPE_NAME, typicalEvents as typicalProtobufEvents } from './typical-protobuf-event';

// Workspace and heavy modules are loaded where used: `@eventpath/storage` resolves only
// once tsx knows the workspace's path aliases (see main), and each child loads only what
// its scenario needs, so its peak RSS is its own.
// CommonJS modules whose named exports a dynamic import() does not see.
const lazyRequire = createRequire(__filename);
const parquetjsLite = () => lazyRequire('parquetjs-lite') as typeof import('parquetjs-lite');

const SMOKE = process.argv.includes('--smoke');
const ROWS = SMOKE ? 5_000 : 500_000;
const BATCH = 1_000;
const BARE_ROWS_PER_GROUP = 50_000;
/** Distinct batches made up front and cycled through (see eventBatches). */
const POOL_BATCHES = SMOKE ? 5 : 20;
const UPLOAD_BYTES = (SMOKE ? 8 : 256) * 1024 * 1024;

// ---------------------------------------------------------------- the typical event

const str = (name: string, repetition: 'REQUIRED' | 'OPTIONAL' = 'REQUIRED'): ParquetField => ({
  kind: 'primitive', name, repetition, physicalType: 'BYTE_ARRAY', logicalType: { type: 'STRING' },
});
const EVENT_SCHEMA: ParquetSchema = {
  fields: [
    str('event_id'),
    { kind: 'primitive', name: 'event_type', repetition: 'REQUIRED', physicalType: 'BYTE_ARRAY', logicalType: { type: 'ENUM' } },
    { kind: 'primitive', name: 'event_time', repetition: 'REQUIRED', physicalType: 'INT64', logicalType: { type: 'TIMESTAMP', unit: 'MICROS', isAdjustedToUTC: true } },
    { kind: 'primitive', name: 'ingest_time', repetition: 'REQUIRED', physicalType: 'INT64', logicalType: { type: 'TIMESTAMP', unit: 'MILLIS', isAdjustedToUTC: true } },
    str('kafka_topic'),
    { kind: 'primitive', name: 'kafka_partition', repetition: 'REQUIRED', physicalType: 'INT32' },
    { kind: 'primitive', name: 'kafka_offset', repetition: 'REQUIRED', physicalType: 'INT64' },
    { kind: 'group', name: 'producer', repetition: 'REQUIRED', fields: [str('app'), str('version', 'OPTIONAL'), str('host')] },
    { kind: 'primitive', name: 'user_id', repetition: 'OPTIONAL', physicalType: 'INT64', logicalType: { type: 'INTEGER', bitWidth: 64, signed: false } },
    str('session_id', 'OPTIONAL'),
    str('country', 'OPTIONAL'),
    {
      kind: 'group', name: 'device', repetition: 'OPTIONAL',
      fields: [str('os'), str('model', 'OPTIONAL'), { kind: 'primitive', name: 'screen_width', repetition: 'OPTIONAL', physicalType: 'INT32', logicalType: { type: 'INTEGER', bitWidth: 16, signed: false } }],
    },
    { kind: 'primitive', name: 'amount', repetition: 'OPTIONAL', physicalType: 'DOUBLE' },
    str('currency', 'OPTIONAL'),
    {
      kind: 'list', name: 'items', repetition: 'OPTIONAL',
      element: {
        kind: 'group', name: 'element', repetition: 'REQUIRED',
        fields: [str('sku'), { kind: 'primitive', name: 'quantity', repetition: 'REQUIRED', physicalType: 'INT32' }, { kind: 'primitive', name: 'unit_price', repetition: 'OPTIONAL', physicalType: 'DOUBLE' }],
      },
    },
    { kind: 'list', name: 'tags', repetition: 'OPTIONAL', element: str('element') },
    { kind: 'map', name: 'attributes', repetition: 'OPTIONAL', key: { kind: 'primitive', name: 'key', repetition: 'REQUIRED', physicalType: 'BYTE_ARRAY', logicalType: { type: 'STRING' } }, value: str('value', 'OPTIONAL') },
    { kind: 'primitive', name: 'is_test', repetition: 'REQUIRED', physicalType: 'BOOLEAN' },
    { kind: 'primitive', name: 'schema_version', repetition: 'REQUIRED', physicalType: 'INT32' },
    { kind: 'primitive', name: 'raw_payload', repetition: 'OPTIONAL', physicalType: 'BYTE_ARRAY' },
  ],
};

type Row = Record<string, unknown>;

/** Deterministic pseudo-random events, the same in every scenario. */
function eventPool(): Row[][] {
  const next = devInfra.seededRandom(42);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)];
  const hex = (n: number) => Math.floor(next() * 16 ** n).toString(16).padStart(n, '0');
  const pool: Row[][] = [];
  for (let start = 0; start < POOL_BATCHES * BATCH; start += BATCH) {
    const batch: Row[] = [];
    for (let i = start; i < start + BATCH; i++) {
      const itemCount = Math.floor(next() * 4);
      batch.push({
        event_id: `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(6)}${hex(6)}`,
        event_type: pick(['ORDER_CREATED', 'ORDER_PAID', 'ORDER_SHIPPED', 'PAGE_VIEW', 'CLICK', 'SEARCH']),
        event_time: 1_700_000_000_000_000n + BigInt(i) * 1000n + BigInt(Math.floor(next() * 1000)),
        ingest_time: new Date(1_700_000_000_000 + i),
        kafka_topic: 'events.orders',
        kafka_partition: i % 12,
        kafka_offset: BigInt(i),
        producer: { app: pick(['checkout', 'catalog', 'search', 'mobile-ios']), version: next() < 0.9 ? `1.${Math.floor(next() * 20)}.0` : null, host: `pod-${Math.floor(next() * 50)}` },
        user_id: next() < 0.8 ? BigInt(Math.floor(next() * 10_000_000)) : null,
        session_id: next() < 0.7 ? hex(13) : null,
        country: pick(['ID', 'SG', 'VN', 'TH', 'PH', null]),
        device: next() < 0.85 ? { os: pick(['IOS', 'ANDROID', 'WEB']), model: next() < 0.5 ? `model-${Math.floor(next() * 200)}` : null, screen_width: 320 + Math.floor(next() * 1600) } : null,
        amount: next() < 0.5 ? Math.round(next() * 1_000_000) / 100 : null,
        currency: next() < 0.5 ? pick(['IDR', 'SGD', 'VND']) : null,
        items: itemCount === 0 ? null : Array.from({ length: itemCount }, () => ({ sku: `SKU-${Math.floor(next() * 100_000)}`, quantity: 1 + Math.floor(next() * 5), unit_price: next() < 0.95 ? Math.round(next() * 100_000) / 100 : null })),
        tags: next() < 0.6 ? Array.from({ length: 1 + Math.floor(next() * 3) }, () => pick(['promo', 'new-user', 'returning', 'mobile', 'vip'])) : null,
        attributes: next() < 0.7 ? [{ key: 'ab_group', value: pick(['a', 'b']) }, { key: 'referrer', value: next() < 0.5 ? `https://example.com/${hex(6)}` : null }] : null,
        is_test: next() < 0.01,
        schema_version: 3,
        raw_payload: next() < 0.3 ? Buffer.from(hex(12), 'hex') : null,
      });
    }
    pool.push(batch);
  }
  return pool;
}

/**
 * The events, in batches of BATCH rows: a pool of POOL_BATCHES distinct batches made once
 * (before any clock runs), then reused with each row's event id and offset made unique, so
 * making rows costs next to nothing while a writer is timed (a writer encoding in another
 * thread would otherwise get the generator's time for free) and memory holds only the pool.
 */
function* eventBatches(total: number, pool: Row[][] = eventPool()): Generator<Row[]> {
  for (let start = 0, k = 0; start < total; start += BATCH, k++) {
    const template = pool[k % pool.length];
    yield template.slice(0, Math.min(BATCH, total - start)).map((row, i) => ({ ...row, event_id: `${row.event_id as string}-${k}`, kafka_offset: BigInt(start + i) }));
  }
}

// ---------------------------------------------------------------- bare-library baselines

/** The schema as hyparquet-writer elements, the way a bare user would spell it. */
function hyparquetElements(schema: ParquetSchema): SchemaElement[] {
  const out: SchemaElement[] = [{ name: 'root', num_children: schema.fields.length }];
  const add = (f: ParquetField, name: string) => {
    const repetition_type = f.repetition;
    if (f.kind === 'group') {
      out.push({ name, repetition_type, num_children: f.fields.length });
      f.fields.forEach((c) => add(c, c.name));
    } else if (f.kind === 'list') {
      out.push({ name, repetition_type, num_children: 1, converted_type: 'LIST' }, { name: 'list', repetition_type: 'REPEATED', num_children: 1 });
      add(f.element, 'element');
    } else if (f.kind === 'map') {
      out.push({ name, repetition_type, num_children: 1, converted_type: 'MAP' }, { name: 'key_value', repetition_type: 'REPEATED', num_children: 2 });
      add(f.key, 'key');
      add(f.value, 'value');
    } else {
      const l = f.logicalType;
      const converted_type =
        l?.type === 'STRING' ? 'UTF8' : l?.type === 'ENUM' ? 'ENUM' : l?.type === 'TIMESTAMP' ? (`TIMESTAMP_${l.unit}` as const) : l?.type === 'INTEGER' ? (`${l.signed ? 'INT' : 'UINT'}_${l.bitWidth}` as SchemaElement['converted_type']) : undefined;
      out.push({ name, repetition_type, type: f.physicalType, ...(converted_type ? { converted_type } : {}) });
    }
  };
  schema.fields.forEach((f) => add(f, f.name));
  return out;
}

/** The schema as a parquetjs-lite definition with its built-in types. */
function parquetjsDefinition(fields: ParquetField[]): Record<string, FieldDefinition> {
  const define = (f: ParquetField): FieldDefinition => {
    const optional = f.repetition === 'OPTIONAL';
    if (f.kind === 'group') return { optional, fields: parquetjsDefinition(f.fields) };
    if (f.kind === 'list') return { type: 'LIST', optional, fields: { list: { repeated: true, fields: { element: define(f.element) } } } };
    if (f.kind === 'map') return { type: 'MAP', optional, fields: { key_value: { repeated: true, fields: { key: define(f.key), value: define(f.value) } } } };
    const l = f.logicalType;
    const type =
      l?.type === 'STRING' ? 'UTF8' : l?.type === 'ENUM' ? 'ENUM' : l?.type === 'TIMESTAMP' ? `TIMESTAMP_${l.unit}` : l?.type === 'INTEGER' ? `${l.signed ? 'INT' : 'UINT'}_${l.bitWidth}` : f.physicalType;
    return { type, optional, compression: 'SNAPPY' };
  };
  return Object.fromEntries(fields.map((f) => [f.name, define(f)]));
}

/** Rows with lists and maps spelled out as parquetjs-lite wants them. */
function spellOut(fields: ParquetField[], row: Row): Row {
  const convert = (f: ParquetField, v: unknown): unknown => {
    if (v === null || v === undefined) return null;
    if (f.kind === 'group') return spellOut(f.fields, v as Row);
    if (f.kind === 'list') return { list: (v as unknown[]).map((e) => ({ element: convert(f.element, e) })) };
    if (f.kind === 'map') return { key_value: (v as { key: unknown; value: unknown }[]).map((e) => ({ key: e.key, value: convert(f.value, e.value) })) };
    return v;
  };
  return Object.fromEntries(fields.map((f) => [f.name, convert(f, row[f.name])]));
}

// ---------------------------------------------------------------- scenarios (run in children)

interface Result {
  scenario: string;
  seconds: number;
  rows?: number;
  bytes: number;
  fileBytes?: number;
  path?: string;
  /** Written from protobuf bytes (the end-to-end scenarios): other columns than the writer scenarios'. */
  endToEnd?: boolean;
  /** CPU time of the process, all its threads (the encoder worker's too), from the first timed call to the end of the last. */
  cpuSeconds?: number;
  maxRssBytes?: number;
}

type Scenario = (workDir: string) => Promise<Result[]>;

/** Wall time inside the timed calls, and CPU time from the first one's start to the last one's end. */
interface Clock {
  ns: bigint;
  cpuFrom?: NodeJS.CpuUsage;
  cpuMicros?: number;
}

const timed = async <T>(clock: Clock, work: () => Promise<T> | T): Promise<T> => {
  clock.cpuFrom ??= process.cpuUsage();
  const start = process.hrtime.bigint();
  try {
    return await work();
  } finally {
    clock.ns += process.hrtime.bigint() - start;
    const used = process.cpuUsage(clock.cpuFrom);
    clock.cpuMicros = used.user + used.system;
  }
};

const measured = (clock: Clock) => ({ seconds: Number(clock.ns) / 1e9, cpuSeconds: (clock.cpuMicros ?? 0) / 1e6 });

const writerScenario =
  (implementation: ParquetWriterImplementation): Scenario =>
  async (workDir) => {
    // Started before the clock: a process pays for the encoder worker once, not per file.
    if (implementation === 'parquet-wasm') await warmEncoder(workDir);
    const path = join(workDir, `${implementation}.parquet`);
    const pool = eventPool();
    const clock: Clock = { ns: 0n };
    const { createParquetWriter } = storageLib;
    const writer = await timed(clock, () => createParquetWriter(path, { schema: EVENT_SCHEMA, keyValueMetadata: { topic: 'events.orders' } }, implementation));
    for (const batch of eventBatches(ROWS, pool)) await timed(clock, () => writer.appendRows(batch));
    const summary = await timed(clock, () => writer.close());
    return [{ scenario: `${implementation} (this library)`, ...measured(clock), rows: ROWS, bytes: 0, fileBytes: summary.bytes, path }];
  };

const bareHyparquet: Scenario = async (workDir) => {
  const path = join(workDir, 'bare-hyparquet.parquet');
  const clock: Clock = { ns: 0n };
  const names = EVENT_SCHEMA.fields.map((f) => f.name);
  const { fileWriter, ParquetWriter } = await import('hyparquet-writer');
  const writer = await timed(clock, () => new ParquetWriter({ writer: fileWriter(path), schema: hyparquetElements(EVENT_SCHEMA) }));
  let group: Row[] = [];
  const flush = () =>
    timed(clock, () => {
      const columnData = names.map((name) => ({ name, data: group.map((row) => row[name]) }));
      return writer.write({ columnData, rowGroupSize: group.length });
    });
  for (const batch of eventBatches(ROWS)) {
    group.push(...batch);
    if (group.length >= BARE_ROWS_PER_GROUP) {
      await flush();
      group = [];
    }
  }
  if (group.length > 0) await flush();
  await timed(clock, () => writer.finish());
  return [{ scenario: 'hyparquet-writer (bare baseline)', ...measured(clock), rows: ROWS, bytes: 0, fileBytes: (await stat(path)).size, path }];
};

/** Arrow tables of BARE_ROWS_PER_GROUP rows built beforehand, then only parquet-wasm's writeParquet (in this thread) and the file write are timed: the encoder's own rate. */
const bareParquetWasm: Scenario = async (workDir) => {
  const path = join(workDir, 'bare-parquet-wasm.parquet');
  const clock: Clock = { ns: 0n };
  const { Compression, Table, WriterPropertiesBuilder, writeParquet } = lazyRequire('parquet-wasm/node') as typeof import('parquet-wasm/node');
  // The CommonJS build, as libs/storage loads it (an ESM copy would not recognise its record batches).
  const { RecordBatchStreamWriter, Table: ArrowTable } = lazyRequire('apache-arrow') as typeof import('apache-arrow');
  const tables: Uint8Array[] = [];
  let group: Row[] = [];
  const build = () => {
    tables.push(RecordBatchStreamWriter.writeAll(new ArrowTable([storageLib.recordBatchOfRows(EVENT_SCHEMA, group)])).toUint8Array(true));
    group = [];
  };
  for (const batch of eventBatches(ROWS)) {
    group.push(...batch);
    if (group.length >= BARE_ROWS_PER_GROUP) build();
  }
  if (group.length > 0) build();
  const handle = await open(path, 'w');
  // One file per table (writeParquet makes whole files), written one after the other; the bytes are what the encoder made.
  let bytes = 0;
  for (const ipc of tables) {
    const file = await timed(clock, async () => {
      const encoded = writeParquet(Table.fromIPCStream(ipc), new WriterPropertiesBuilder().setCompression(Compression.SNAPPY).setMaxRowGroupSize(2 ** 31 - 1).build());
      await handle.write(encoded);
      return encoded;
    });
    bytes += file.length;
  }
  await handle.close();
  return [{ scenario: 'parquet-wasm writeParquet on ready Arrow tables (bare baseline)', ...measured(clock), rows: ROWS, bytes: 0, fileBytes: bytes }];
};

// ---------------------------------------------------------------- end to end: protobuf bytes in, Parquet file out

/**
 * Protobuf-encoded typical events in Kafka-sized batches with their record metadata: a pool
 * of POOL_BATCHES distinct encoded batches made before the clock, cycled through with fresh
 * metadata (offset, timestamp, event id) per record, as a consumer hands them over.
 */
async function protobufPool(workDir: string): Promise<Uint8Array[][]> {
  const { schema } = await loadBenchSnapshot(join(workDir, 'e2e-schema'));
  return Array.from({ length: POOL_BATCHES }, (_, k) => typicalProtobufEvents(BATCH, k * BATCH).map((event) => Buffer.from(schema.encode(event))));
}

function* protobufBatches(pool: Uint8Array[][]): Generator<{ bytes: Uint8Array[]; metadata: RecordMetadata[] }> {
  for (let start = 0, k = 0; start < ROWS; start += BATCH, k++) {
    const bytes = pool[k % pool.length].slice(0, Math.min(BATCH, ROWS - start));
    yield {
      bytes,
      metadata: bytes.map((_, i) => ({ topic: 'events.orders', partition: 3, offset: String(start + i), timestamp: String(1_714_564_800_000 + start + i), eventId: `event-${start + i}` })),
    };
  }
}

const rowPathEndToEnd =
  (implementation: ParquetWriterImplementation): Scenario =>
  async (workDir) => {
    const { schema } = await loadBenchSnapshot(join(workDir, `e2e-rows-${implementation}`));
    const mapping = schema.parquetMapping();
    if (implementation === 'parquet-wasm') await warmEncoder(workDir);
    const path = join(workDir, `e2e-rows-${implementation}.parquet`);
    const pool = await protobufPool(workDir);
    const clock: Clock = { ns: 0n };
    const writer = await timed(clock, () => storageLib.createParquetWriter(path, { schema: mapping.schema, keyValueMetadata: { ...mapping.keyValueMetadata } }, implementation));
    for (const batch of protobufBatches(pool)) {
      await timed(clock, () => writer.appendRows(batch.bytes.map((bytes, i) => mapping.toRow(schema.decode(bytes), batch.metadata[i]))));
    }
    const summary = await timed(clock, () => writer.close());
    return [{ scenario: `end to end, row path: decode → toRow → ${implementation}`, ...measured(clock), rows: ROWS, bytes: 0, fileBytes: summary.bytes, path, endToEnd: true }];
  };

const columnarEndToEnd: Scenario = async (workDir) => {
  const { snapshot } = await loadBenchSnapshot(join(workDir, 'e2e-columns'));
  const { createParquetColumnBatch } = schemasLib;
  await warmEncoder(workDir);
  const path = join(workDir, 'e2e-columns.parquet');
  const pool = await protobufPool(workDir);
  const clock: Clock = { ns: 0n };
  const columns = createParquetColumnBatch(snapshot, TYPE_NAME);
  const writer = await timed(clock, () => storageLib.createParquetWriter(path, { schema: columns.schema, keyValueMetadata: { ...columns.keyValueMetadata } }, 'parquet-wasm'));
  if (!storageLib.isColumnarParquetFileWriter(writer)) throw new Error('parquet-wasm is not columnar');
  for (const batch of protobufBatches(pool)) {
    await timed(clock, () => {
      for (let i = 0; i < batch.bytes.length; i++) columns.append(batch.bytes[i], batch.metadata[i]);
      return writer.appendRecordBatch(columns.takeRecordBatch());
    });
  }
  const summary = await timed(clock, () => writer.close());
  if (columns.slowPathCount !== 0) throw new Error(`${columns.slowPathCount} records took the slow path`);
  return [{ scenario: 'end to end, columnar path: ParquetColumnBatch.append → parquet-wasm', ...measured(clock), rows: ROWS, bytes: 0, fileBytes: summary.bytes, path, endToEnd: true }];
};

/** Starts the shared parquet-wasm encoder worker (and compiles its wasm) by writing a throwaway file. */
async function warmEncoder(workDir: string): Promise<void> {
  const writer = await storageLib.createParquetWriter(join(workDir, 'warm-up.parquet'), { schema: EVENT_SCHEMA }, 'parquet-wasm');
  await writer.abort();
}

const bareParquetjsLite: Scenario = async (workDir) => {
  const path = join(workDir, 'bare-parquetjs-lite.parquet');
  const clock: Clock = { ns: 0n };
  const { ParquetSchema, ParquetWriter } = parquetjsLite();
  const schema = new ParquetSchema(parquetjsDefinition(EVENT_SCHEMA.fields));
  // The page layout this library uses (data page v1, no page index), so the two write the same format.
  const writer = await timed(clock, () => ParquetWriter.openFile(schema, path, { useDataPageV2: false, pageIndex: false, rowGroupSize: BARE_ROWS_PER_GROUP }));
  for (const batch of eventBatches(ROWS)) {
    const rows = batch.map((row) => spellOut(EVENT_SCHEMA.fields, row));
    await timed(clock, async () => {
      for (const row of rows) await writer.appendRow(row);
    });
  }
  await timed(clock, () => writer.close());
  return [{ scenario: 'parquetjs-lite (bare baseline)', ...measured(clock), rows: ROWS, bytes: 0, fileBytes: (await stat(path)).size, path }];
};

async function uploadSource(workDir: string): Promise<string> {
  const path = join(workDir, 'upload-source.bin');
  const handle = await open(path, 'w');
  for (let written = 0; written < UPLOAD_BYTES; written += 1 << 20) await handle.write(randomBytes(Math.min(1 << 20, UPLOAD_BYTES - written)));
  await handle.close();
  return path;
}

/** Time one upload of the source file. */
async function timedUpload(scenario: string, upload: () => Promise<void>): Promise<Result> {
  const clock: Clock = { ns: 0n };
  await timed(clock, upload);
  return { scenario, ...measured(clock), bytes: UPLOAD_BYTES };
}

/** All uploads share one child (and one emulator): their peak RSS is reported together. */
const uploads: Scenario = async (workDir) => {
  const source = await uploadSource(workDir);
  const { GcsStore, LocalDirectoryStore } = storageLib;
  const { Storage } = await import('@google-cloud/storage');
  const results: Result[] = [];
  const store = await LocalDirectoryStore.open(join(workDir, 'store'));
  results.push(await timedUpload('LocalDirectoryStore.putFile (fsync, CRC-32C, MD5)', async () => void (await store.putFile(source, 'bench/object.bin'))));
  results.push(
    await timedUpload('fs.copyFile + fsync (bare baseline)', async () => {
      const target = join(workDir, 'copy.bin');
      await copyFile(source, target);
      const handle = await open(target, 'r+');
      await handle.sync();
      await handle.close();
    }),
  );
  await withEmulator(async (storageOptions) => {
    const gcs = new GcsStore('gs://bench/prefix', { storageOptions });
    results.push(await timedUpload('GcsStore.putFile to the emulator (resumable, CRC-32C)', async () => void (await gcs.putFile(source, 'object.bin'))));
    const bucket = new Storage(storageOptions).bucket('bench');
    results.push(
      await timedUpload('bare @google-cloud/storage upload to the emulator (bare baseline)', async () => {
        await bucket.upload(source, { destination: 'prefix/object-bare.bin', resumable: true });
      }),
    );
  });
  return results;
};

async function withEmulator(work: (options: { apiEndpoint: string; projectId: string }) => Promise<void>): Promise<void> {
  delete process.env.STORAGE_EMULATOR_HOST;
  const { startGcsEmulator } = devInfra;
  const emulator = await startGcsEmulator({ buckets: ['bench'] });
  try {
    await work(emulator.storageOptions());
  } finally {
    await emulator.stop();
  }
}

const SCENARIOS: Record<string, Scenario> = {
  'writer:hyparquet-writer': writerScenario('hyparquet-writer'),
  'writer:parquetjs-lite': writerScenario('parquetjs-lite'),
  'writer:parquet-wasm': writerScenario('parquet-wasm'),
  'bare:hyparquet-writer': bareHyparquet,
  'bare:parquetjs-lite': bareParquetjsLite,
  'bare:parquet-wasm': bareParquetWasm,
  'e2e:rows-hyparquet-writer': rowPathEndToEnd('hyparquet-writer'),
  'e2e:rows-parquet-wasm': rowPathEndToEnd('parquet-wasm'),
  'e2e:columns': columnarEndToEnd,
  uploads,
};

// ---------------------------------------------------------------- parent: run, verify, report

function runChild(name: string, workDir: string): Result[] {
  const child = spawnSync(process.execPath, [...process.execArgv, __filename, '--child', name, workDir, ...(SMOKE ? ['--smoke'] : [])], {
    encoding: 'utf8',
    timeout: SMOKE ? 60_000 : 1_800_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = child.stdout?.split('\n').find((l) => l.startsWith('RESULTS '));
  if (child.status !== 0 || !line) throw new Error(`scenario ${name} failed (exit ${child.status}):\n${child.stdout}\n${child.stderr}`);
  return JSON.parse(line.slice('RESULTS '.length)) as Result[];
}

/**
 * Every file has every row; and each file has the same column types and the same rows as
 * hyparquet-writer's file of the same input (the writers' files, and the end-to-end files).
 * Returns the scenarios whose files read back exactly.
 */
async function verifyWithDuckDb(results: Result[]): Promise<Set<string>> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  const query = async (sql: string) => (await connection.runAndReadAll(sql)).getRowObjectsJson();
  const expectedOffsetSum = (BigInt(ROWS) * BigInt(ROWS - 1)) / 2n;
  const exact = new Set<string>();
  const reference = (result: Result) =>
    results.find((r) => r.scenario === (result.endToEnd ? 'end to end, row path: decode → toRow → hyparquet-writer' : 'hyparquet-writer (this library)'));
  for (const result of results.filter((r) => r.path)) {
    const [offset, id] = result.endToEnd ? ['__kafka_offset', '__event_id'] : ['kafka_offset', 'event_id'];
    const [row] = await query(`SELECT count(*)::BIGINT AS n, sum(${offset})::BIGINT AS s, count(DISTINCT ${id})::BIGINT AS ids FROM read_parquet('${result.path}')`);
    if (row.n !== String(ROWS) || row.s !== String(expectedOffsetSum) || row.ids !== String(ROWS)) {
      throw new Error(`${result.scenario}: DuckDB read back ${JSON.stringify(row)}, expected ${ROWS} rows, offset sum ${expectedOffsetSum}`);
    }
    const other = reference(result)?.path;
    if (!other || result.scenario.includes('bare baseline')) continue;
    const types = async (path: string) => JSON.stringify(await query(`DESCRIBE SELECT * FROM read_parquet('${path}')`));
    const [difference] = await query(
      `SELECT (SELECT count(*) FROM (SELECT * FROM read_parquet('${result.path}') EXCEPT ALL SELECT * FROM read_parquet('${other}')))::BIGINT
            + (SELECT count(*) FROM (SELECT * FROM read_parquet('${other}') EXCEPT ALL SELECT * FROM read_parquet('${result.path}')))::BIGINT AS n`,
    );
    if ((await types(result.path!)) === (await types(other)) && difference.n === '0') exact.add(result.scenario);
    else console.log(`${result.scenario}: differs from hyparquet-writer's file (types or ${difference.n} rows)`);
  }
  connection.closeSync();
  db.closeSync();
  return exact;
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

function printTable(results: Result[]): void {
  const header = ['scenario', 'amount', 'seconds', 'CPU s', 'rate', 'file size (MiB)', 'peak RSS (MiB)'];
  const lines = results.map((r) => [
    r.scenario,
    r.rows !== undefined ? `${r.rows} rows` : `${mb(r.bytes)} MiB`,
    r.seconds.toFixed(2),
    r.cpuSeconds !== undefined ? r.cpuSeconds.toFixed(2) : '',
    r.rows !== undefined ? `${Math.round(r.rows / r.seconds)} rows/s` : `${(r.bytes / 1024 / 1024 / r.seconds).toFixed(0)} MiB/s`,
    r.fileBytes !== undefined ? mb(r.fileBytes) : '',
    r.maxRssBytes !== undefined ? mb(r.maxRssBytes) : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const format = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(format(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const line of lines) console.log(format(line));
}

async function main(): Promise<void> {
  const childAt = process.argv.indexOf('--child');
  if (childAt >= 0) {
    const [names, workDir] = process.argv.slice(childAt + 1);
    const results: Result[] = [];
    // Several scenarios share a child only in --smoke (its RSS is then the child's so far).
    for (const name of names.split(',')) {
      const scenario = await SCENARIOS[name](workDir);
      const maxRssBytes = process.resourceUsage().maxRSS * 1024;
      results.push(...scenario.map((r) => ({ ...r, maxRssBytes })));
    }
    console.log(`RESULTS ${JSON.stringify(results)}`);
    return;
  }

  const workDir = await mkdtemp(join(tmpdir(), 'storage-bench-'));
  try {
    console.log(
      `libs/storage benchmark${SMOKE ? ' (smoke)' : ''}: ${ROWS} typical events (~20 fields, nested and repeated), SNAPPY, 8 MiB row groups; ` +
        `end to end from protobuf bytes in batches of ${BATCH}; uploads of ${mb(UPLOAD_BYTES)} MiB\n`,
    );
    // A child per scenario, so its peak RSS is its own; --smoke saves the start-ups (two children), RSS is then indicative only.
    // STORAGE_BENCH_SCENARIOS (comma-separated keys of SCENARIOS) runs some of them only.
    const chosen = process.env['STORAGE_BENCH_SCENARIOS']?.split(',') ?? Object.keys(SCENARIOS);
    const unknown = chosen.filter((name) => !(name in SCENARIOS));
    if (unknown.length > 0) throw new Error(`unknown scenarios ${unknown.join(', ')}; known: ${Object.keys(SCENARIOS).join(', ')}`);
    const children = SMOKE ? [chosen.filter((name) => name !== 'uploads').join(','), ...(chosen.includes('uploads') ? ['uploads'] : [])] : chosen;
    const results = children.flatMap((names) => runChild(names, workDir));
    const { DEFAULT_PARQUET_WRITER_IMPLEMENTATION, PARQUET_WRITER_IMPLEMENTATIONS } = storageLib;
    const exact = await verifyWithDuckDb(results);
    printTable(results);

    const find = (scenario: string) => results.find((x) => x.scenario === scenario);
    const rate = (scenario: string) => {
      const r = find(scenario);
      return r?.rows !== undefined ? r.rows / r.seconds : Number.NaN;
    };
    const perCpuSecond = (scenario: string) => {
      const r = find(scenario);
      return r?.rows !== undefined && r.cpuSeconds ? r.rows / r.cpuSeconds : Number.NaN;
    };
    const rss = (scenario: string) => find(scenario)?.maxRssBytes ?? Number.NaN;
    const writer = (implementation: ParquetWriterImplementation) => `${implementation} (this library)`;
    console.log(`\nAll Parquet files read back in DuckDB with ${ROWS} rows, distinct event ids and the right offset sum.`);
    const candidates = PARQUET_WRITER_IMPLEMENTATIONS.filter((implementation) => exact.has(writer(implementation)));
    const fastest = candidates.reduce((best, implementation) => (rate(writer(implementation)) > rate(writer(best)) ? implementation : best), candidates[0]);
    console.log(
      `Writers (same rows): ${PARQUET_WRITER_IMPLEMENTATIONS.map((i) => `${i} ${(rate(writer(i)) / rate(writer('hyparquet-writer'))).toFixed(2)}x`).join(', ')} ` +
        `the rows/s of hyparquet-writer; read back exactly (types and rows equal to hyparquet-writer's file): ${candidates.join(', ')}.`,
    );
    const columnarEndToEnd = 'end to end, columnar path: ParquetColumnBatch.append → parquet-wasm';
    const rowEndToEnd = 'end to end, row path: decode → toRow → hyparquet-writer';
    console.log(
      `Rows per CPU second (all threads; steadier than wall time on a loaded machine): ` +
        `${PARQUET_WRITER_IMPLEMENTATIONS.map((i) => `${i} ${(perCpuSecond(writer(i)) / perCpuSecond(writer('hyparquet-writer'))).toFixed(2)}x`).join(', ')} hyparquet-writer's; ` +
        `columnar end to end ${(perCpuSecond(columnarEndToEnd) / perCpuSecond(rowEndToEnd)).toFixed(2)}x the row path's.`,
    );
    console.log(
      `Default: the fastest that reads back exactly is ${fastest}; DEFAULT_PARQUET_WRITER_IMPLEMENTATION is ${DEFAULT_PARQUET_WRITER_IMPLEMENTATION}` +
        `${fastest === DEFAULT_PARQUET_WRITER_IMPLEMENTATION ? '' : ' (this run disagrees: check the numbers before changing it)'}.`,
    );
    const wasm = rate(writer('parquet-wasm')) / rate(writer('hyparquet-writer'));
    const endToEnd = rate(columnarEndToEnd) / rate(rowEndToEnd);
    const memory = rss(writer('parquet-wasm')) / rss(writer('hyparquet-writer'));
    const endToEndMemory = rss(columnarEndToEnd) / rss(rowEndToEnd);
    console.log(
      `Aims: writer alone ${wasm.toFixed(2)}x hyparquet-writer (aim ≥ 2.5x); columnar end to end ${endToEnd.toFixed(2)}x hyparquet-writer's row path ` +
        `(aim ≥ 3x); peak RSS ${(memory * 100).toFixed(0)}% of hyparquet-writer's writing rows, ${(endToEndMemory * 100).toFixed(0)}% end to end (aim ≤ 100%).`,
    );
    console.log(
      `This library vs bare baseline: hyparquet-writer ${((rate(writer('hyparquet-writer')) / rate('hyparquet-writer (bare baseline)')) * 100).toFixed(0)}%, ` +
        `parquetjs-lite ${((rate(writer('parquetjs-lite')) / rate('parquetjs-lite (bare baseline)')) * 100).toFixed(0)}%, ` +
        `parquet-wasm ${((rate(writer('parquet-wasm')) / rate('parquet-wasm writeParquet on ready Arrow tables (bare baseline)')) * 100).toFixed(0)}% of the bare rate.`,
    );
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

