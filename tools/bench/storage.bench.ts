/**
 * libs/storage benchmark: Parquet writers and uploads.
 *
 *   npx tsx tools/bench/storage.bench.ts           500 000 typical events, 256 MiB uploads
 *   npx tsx tools/bench/storage.bench.ts --smoke   5 000 events, 8 MiB uploads (CI)
 *
 * Each scenario runs in its own child process so that its peak RSS is its own. Writer
 * scenarios time only the writer calls (rows are generated outside the timed part) and
 * are checked afterwards by reading the file back with DuckDB. Baselines, in the same run:
 * the bare libraries (hyparquet-writer's ParquetWriter + fileWriter, parquetjs-lite's
 * ParquetWriter) without this library's validation, row-group sizing and size estimate;
 * for uploads, fs.copyFile and the bare @google-cloud/storage client.
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
import type { SchemaElement } from 'hyparquet';
import type { FieldDefinition } from 'parquetjs-lite';

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
function* eventBatches(total: number): Generator<Row[]> {
  const next = devInfra.seededRandom(42);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)];
  const hex = (n: number) => Math.floor(next() * 16 ** n).toString(16).padStart(n, '0');
  for (let start = 0; start < total; start += BATCH) {
    const batch: Row[] = [];
    for (let i = start; i < Math.min(total, start + BATCH); i++) {
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
    yield batch;
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
  maxRssBytes?: number;
}

type Scenario = (workDir: string) => Promise<Result[]>;

const timed = async <T>(clock: { ns: bigint }, work: () => Promise<T> | T): Promise<T> => {
  const start = process.hrtime.bigint();
  try {
    return await work();
  } finally {
    clock.ns += process.hrtime.bigint() - start;
  }
};

const writerScenario =
  (implementation: ParquetWriterImplementation): Scenario =>
  async (workDir) => {
    const path = join(workDir, `${implementation}.parquet`);
    const clock = { ns: 0n };
    const { createParquetWriter } = storageLib;
    const writer = await timed(clock, () => createParquetWriter(path, { schema: EVENT_SCHEMA, keyValueMetadata: { topic: 'events.orders' } }, implementation));
    for (const batch of eventBatches(ROWS)) await timed(clock, () => writer.appendRows(batch));
    const summary = await timed(clock, () => writer.close());
    return [{ scenario: `${implementation} (this library)`, seconds: Number(clock.ns) / 1e9, rows: ROWS, bytes: 0, fileBytes: summary.bytes, path }];
  };

const bareHyparquet: Scenario = async (workDir) => {
  const path = join(workDir, 'bare-hyparquet.parquet');
  const clock = { ns: 0n };
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
  return [{ scenario: 'hyparquet-writer (bare baseline)', seconds: Number(clock.ns) / 1e9, rows: ROWS, bytes: 0, fileBytes: (await stat(path)).size, path }];
};

const bareParquetjsLite: Scenario = async (workDir) => {
  const path = join(workDir, 'bare-parquetjs-lite.parquet');
  const clock = { ns: 0n };
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
  return [{ scenario: 'parquetjs-lite (bare baseline)', seconds: Number(clock.ns) / 1e9, rows: ROWS, bytes: 0, fileBytes: (await stat(path)).size, path }];
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
  const clock = { ns: 0n };
  await timed(clock, upload);
  return { scenario, seconds: Number(clock.ns) / 1e9, bytes: UPLOAD_BYTES };
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
  'bare:hyparquet-writer': bareHyparquet,
  'bare:parquetjs-lite': bareParquetjsLite,
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

async function verifyWithDuckDb(results: Result[]): Promise<void> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  const expectedOffsetSum = (BigInt(ROWS) * BigInt(ROWS - 1)) / 2n;
  for (const result of results.filter((r) => r.path)) {
    const reader = await connection.runAndReadAll(`SELECT count(*)::BIGINT AS n, sum(kafka_offset)::BIGINT AS s, count(DISTINCT event_id)::BIGINT AS ids FROM read_parquet('${result.path}')`);
    const [row] = reader.getRowObjectsJson();
    if (row.n !== String(ROWS) || row.s !== String(expectedOffsetSum) || row.ids !== String(ROWS)) {
      throw new Error(`${result.scenario}: DuckDB read back ${JSON.stringify(row)}, expected ${ROWS} rows, offset sum ${expectedOffsetSum}`);
    }
  }
  connection.closeSync();
  db.closeSync();
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

function printTable(results: Result[]): void {
  const header = ['scenario', 'amount', 'seconds', 'rate', 'file size (MiB)', 'peak RSS (MiB)'];
  const lines = results.map((r) => [
    r.scenario,
    r.rows !== undefined ? `${r.rows} rows` : `${mb(r.bytes)} MiB`,
    r.seconds.toFixed(2),
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
    const [name, workDir] = process.argv.slice(childAt + 1);
    const results = await SCENARIOS[name](workDir);
    const maxRssBytes = process.resourceUsage().maxRSS * 1024;
    console.log(`RESULTS ${JSON.stringify(results.map((r) => ({ ...r, maxRssBytes })))}`);
    return;
  }

  const workDir = await mkdtemp(join(tmpdir(), 'storage-bench-'));
  try {
    console.log(`libs/storage benchmark${SMOKE ? ' (smoke)' : ''}: ${ROWS} typical events (~20 fields, nested and repeated), SNAPPY; uploads of ${mb(UPLOAD_BYTES)} MiB\n`);
    const results = Object.keys(SCENARIOS).flatMap((name) => runChild(name, workDir));
    const { DEFAULT_PARQUET_WRITER_IMPLEMENTATION } = storageLib;
    await verifyWithDuckDb(results);
    printTable(results);

    const rate = (scenario: string) => {
      const r = results.find((x) => x.scenario === scenario);
      return r?.rows !== undefined ? r.rows / r.seconds : Number.NaN;
    };
    const hyparquet = rate('hyparquet-writer (this library)');
    const parquetjsLite = rate('parquetjs-lite (this library)');
    const fastest: ParquetWriterImplementation = hyparquet >= parquetjsLite ? 'hyparquet-writer' : 'parquetjs-lite';
    console.log(`\nAll Parquet files read back in DuckDB with ${ROWS} rows, distinct event ids and the right offset sum.`);
    console.log(
      `Writer: ${fastest} is faster, ${(Math.max(hyparquet, parquetjsLite) / Math.min(hyparquet, parquetjsLite)).toFixed(1)}x the rows/s of the other ` +
        `(${Math.round(hyparquet)} vs ${Math.round(parquetjsLite)} rows/s); default is ${DEFAULT_PARQUET_WRITER_IMPLEMENTATION}` +
        `${fastest === DEFAULT_PARQUET_WRITER_IMPLEMENTATION ? '' : ' (this run disagrees: check the numbers before changing it)'}.`,
    );
    console.log(
      `This library vs bare baseline: hyparquet-writer ${((hyparquet / rate('hyparquet-writer (bare baseline)')) * 100).toFixed(0)}%, ` +
        `parquetjs-lite ${((parquetjsLite / rate('parquetjs-lite (bare baseline)')) * 100).toFixed(0)}% of the bare rate.`,
    );
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

