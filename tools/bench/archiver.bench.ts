/**
 * apps/archiver benchmark: records/s from Kafka to uploaded Parquet.
 *
 *   npx tsx tools/bench/archiver.bench.ts           1 000 000 records (a backlog), 8 partitions, 2 event hours
 *   npx tsx tools/bench/archiver.bench.ts --smoke   10 000 records (CI)
 *
 * One Apache Kafka and one GCS emulator for the run; the topic (the benchmarks' typical event,
 * ~20 fields: nested, repeated, map, oneof, Timestamp, wrappers) is produced once, then each
 * scenario runs in its own process, so its peak RSS is its own:
 *
 * - bare kafkajs consumer (baseline): reads every record of the topic, nothing else; timed
 *   from joining its group to the last record;
 * - decode + row mapping alone: libs/schemas on the same records (the converter's share);
 * - Parquet writer alone (baseline): the archiver's Parquet writer (its default, libs/storage's default)
 *   on the same rows, into the same files the archiver makes; only appendRows and close timed;
 * - archiver → local directory, archiver → GCS emulator: apps/archiver/src/main.ts as a process
 *   (run by tsx, as the other benchmarks run their apps), with the V8 flags of its Dockerfile and
 *   default topic settings, draining the backlog; timed
 *   from its readiness (its group has partitions) to the group having committed every record
 *   of the backlog, i.e. every record in an uploaded file. DuckDB counts the local archive and
 *   the audit checks the GCS one.
 *
 * After the backlog each partition gets one record an hour newer, as a live topic would: it
 * closes the backlog's last files by their window, as newer records do in production, instead
 * of the idle timeout (5 minutes). It stays in an open file and is not counted.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { auditArchive, tailReaderFor } from '@eventpath/archive';
import { findFreePort, startApacheKafka, startGcsEmulator } from '@eventpath/dev-infra';
import type { DecodedMessage, MessageSchema } from '@eventpath/schemas';
import { createParquetWriter, DEFAULT_PARQUET_WRITER_IMPLEMENTATION, GcsStore, type ParquetWriterImplementation } from '@eventpath/storage';
import { Kafka, logLevel, type Admin, type KafkaMessage } from 'kafkajs';
import { loadBenchSnapshot, TYPE_NAME, typicalEvents } from './typical-protobuf-event';

const SMOKE = process.argv.includes('--smoke');
// ARCHIVER_BENCH_RECORDS, ARCHIVER_BENCH_SCENARIOS (comma-separated: bare,decode,writer,local,gcs),
// ARCHIVER_BENCH_WRITER (the archiver's and the baseline's writer), ARCHIVER_BENCH_BUDGET_MIB (its
// budgets.memory) and ARCHIVER_BENCH_NODE_OPTIONS (its V8 flags; default the Dockerfile's, old space
// the budget plus 128 MiB) vary a run.
const RECORDS = Number(process.env['ARCHIVER_BENCH_RECORDS'] ?? (SMOKE ? 10_000 : 1_000_000));
const SCENARIOS = (process.env['ARCHIVER_BENCH_SCENARIOS'] ?? 'bare,decode,writer,local,gcs').split(',');
// The archiver's default `writer` (apps/archiver's topic defaults), which libs/storage's default need not be.
const WRITER = (process.env['ARCHIVER_BENCH_WRITER'] ?? DEFAULT_PARQUET_WRITER_IMPLEMENTATION) as ParquetWriterImplementation;
const PARTITIONS = 8;
// A backlog of a busy topic: two hours of events, so each file (partition x hour) holds 1/16 of the records.
const EVENT_HOURS = Number(process.env['ARCHIVER_BENCH_HOURS'] ?? 2);
const REPO = join(__dirname, '..', '..');
const ARCHIVER_MAIN = join(REPO, 'apps', 'archiver', 'src', 'main.ts');
const EVENT_ID_HEADER = 'eventpath-event-id';
const SENTINEL_HEADER = 'bench-sentinel';
const BUDGET_MIB = Number(process.env['ARCHIVER_BENCH_BUDGET_MIB'] ?? 256);
const ARCHIVER_NODE_FLAGS = process.env['ARCHIVER_BENCH_NODE_OPTIONS']?.split(' ').filter(Boolean) ?? [`--max-old-space-size=${BUDGET_MIB + 128}`, '--max-semi-space-size=8'];
const T0 = Date.parse('2024-05-01T00:00:00Z');

interface Result {
  scenario: string;
  records: number;
  seconds: number;
  maxRssBytes: number;
  note?: string;
}

// ---------------------------------------------------------------- the records

/** The typical event, its .proto written under `workDir/protos` (the archiver's schema source). */
async function messageType(workDir: string): Promise<MessageSchema> {
  return (await loadBenchSnapshot(workDir)).schema;
}

/** Event `i` of the backlog: the typical event, its event time walking evenly over EVENT_HOURS. */
function withEventTime(event: DecodedMessage, ms: number): DecodedMessage {
  return { ...event, event_time: { seconds: BigInt(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 } };
}

async function produce(bootstrap: string, topic: string, type: MessageSchema): Promise<void> {
  const producer = new Kafka({ clientId: 'archiver-bench-producer', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING }).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const BATCH = 5000;
  const inFlight: Array<Promise<unknown>> = [];
  for (let start = 0; start < RECORDS; start += BATCH) {
    const events = typicalEvents(Math.min(BATCH, RECORDS - start), start);
    const messages = events.map((event, k) => {
      const i = start + k;
      const ms = T0 + Math.floor((i / RECORDS) * EVENT_HOURS * 3_600_000);
      return { partition: i % PARTITIONS, value: Buffer.from(type.encode(withEventTime(event, ms))), headers: { [EVENT_ID_HEADER]: `e${i}` } };
    });
    inFlight.push(producer.send({ topic, acks: 1, messages }));
    if (inFlight.length >= 4) await inFlight.shift();
  }
  await Promise.all(inFlight);
  const [sentinel] = typicalEvents(1, RECORDS);
  const sentinelValue = Buffer.from(type.encode(withEventTime(sentinel, T0 + (EVENT_HOURS + 1) * 3_600_000)));
  await producer.send({
    topic,
    acks: -1,
    messages: Array.from({ length: PARTITIONS }, (_, partition) => ({ partition, value: sentinelValue, headers: { [EVENT_ID_HEADER]: `sentinel-${partition}`, [SENTINEL_HEADER]: '1' } })),
  });
  await producer.disconnect();
}

const isSentinel = (message: KafkaMessage) => message.headers?.[SENTINEL_HEADER] !== undefined;

// ---------------------------------------------------------------- scenarios (child processes)

/**
 * Hands every batch of the topic to `onBatch`, with a fresh group from the beginning, until the
 * backlog and its sentinels are read; resolves with the seconds from joining the group to then.
 */
async function consumeAll(bootstrap: string, topic: string, name: string, onBatch: (partition: number, messages: KafkaMessage[]) => Promise<void> | void): Promise<number> {
  const kafka = new Kafka({ clientId: `archiver-bench-${name}`, brokers: bootstrap.split(','), logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `bench-${name}-${Date.now()}`, maxWaitTimeInMs: 100 });
  let joined = 0;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    if (joined === 0) joined = performance.now();
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  const seconds = await new Promise<number>((resolve, reject) => {
    consumer
      .run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          await onBatch(batch.partition, batch.messages);
          seen += batch.messages.length;
          if (seen >= RECORDS + PARTITIONS) resolve((performance.now() - joined) / 1000);
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return seconds;
}

/** Reads every record with a bare kafkajs consumer: the ceiling of anything reading the topic. */
async function bareConsumer(bootstrap: string, topic: string): Promise<Array<Omit<Result, 'maxRssBytes'>>> {
  const seconds = await consumeAll(bootstrap, topic, 'bare', () => undefined);
  return [{ scenario: 'bare kafkajs consumer (baseline)', records: RECORDS, seconds }];
}

/**
 * The archiver's Parquet writer on the same rows, into the same files the archiver makes (one per
 * partition and event hour, each closed when its partition reaches the next hour):
 * createParquetWriter, appendRows and close are timed. Decoding and row mapping (libs/schemas)
 * are timed apart, as a row of their own: the converter's other share of the work.
 */
async function writerAlone(bootstrap: string, topic: string, workDir: string): Promise<Array<Omit<Result, 'maxRssBytes'>>> {
  const type = await messageType(join(workDir, 'writer-alone'));
  const mapping = type.parquetMapping();
  const open = new Map<number, { hour: number; writer: Awaited<ReturnType<typeof createParquetWriter>> }>();
  let files = 0;
  let writing = 0;
  let decoding = 0;
  await consumeAll(bootstrap, topic, 'writer', async (partition, messages) => {
    const decodeStarted = performance.now();
    const byHour = new Map<number, Array<Record<string, unknown>>>();
    for (const m of messages) {
      if (isSentinel(m)) continue;
      const decoded = type.decode(m.value as Buffer);
      const time = decoded['event_time'] as { seconds: bigint };
      const hour = Math.floor(Number(time.seconds) / 3600);
      const rows = byHour.get(hour) ?? byHour.set(hour, []).get(hour)!;
      rows.push(mapping.toRow(decoded, { topic, partition, offset: m.offset, timestamp: m.timestamp, eventId: m.headers?.[EVENT_ID_HEADER]?.toString() ?? null }));
    }
    const started = performance.now();
    decoding += started - decodeStarted;
    for (const [hour, rows] of byHour) {
      let file = open.get(partition);
      if (file && file.hour !== hour) {
        await file.writer.close();
        file = undefined;
      }
      if (!file) {
        const path = join(workDir, `alone-${partition}-${hour}.parquet`);
        file = { hour, writer: await createParquetWriter(path, { schema: mapping.schema, keyValueMetadata: { ...mapping.keyValueMetadata } }, WRITER) };
        open.set(partition, file);
        files += 1;
      }
      await file.writer.appendRows(rows);
    }
    writing += performance.now() - started;
  });
  const started = performance.now();
  for (const file of open.values()) await file.writer.close();
  writing += performance.now() - started;
  return [
    { scenario: 'protobuf decode + row mapping alone (libs/schemas)', records: RECORDS, seconds: decoding / 1000 },
    { scenario: `Parquet writer alone, ${WRITER} (baseline)`, records: RECORDS, seconds: writing / 1000, note: `${files} files` },
  ];
}

const CHILD_SCENARIOS: Record<string, (bootstrap: string, topic: string, workDir: string) => Promise<Array<Omit<Result, 'maxRssBytes'>>>> = {
  'bare-consumer': bareConsumer,
  'writer-alone': writerAlone,
};

function runChild(name: string, bootstrap: string, topic: string, workDir: string): Result[] {
  const child = spawnSync(process.execPath, [...process.execArgv, __filename, '--child', name, bootstrap, topic, workDir, ...(SMOKE ? ['--smoke'] : [])], {
    encoding: 'utf8',
    timeout: SMOKE ? 300_000 : 3_600_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = child.stdout?.split('\n').find((l) => l.startsWith('RESULT '));
  if (child.status !== 0 || !line) throw new Error(`scenario ${name} failed (exit ${child.status ?? child.signal}${child.error ? `, ${child.error.message}` : ""}):\n${child.stdout}\n${child.stderr}`);
  return JSON.parse(line.slice('RESULT '.length)) as Result[];
}

// ---------------------------------------------------------------- the archiver, as a process

/** Whether the group committed every record of the backlog: up to each partition's sentinel, the last record. */
async function committedBacklog(admin: Admin, groupId: string, topic: string): Promise<boolean> {
  const [high, [committed]] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
  const byPartition = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  return high.every((p) => byPartition.get(p.partition) === Number(p.high) - 1);
}

/** `eventpath_archiver_files_finalized_total` by reason, from the archiver's /metrics. */
async function filesFinalized(opsUrl: string): Promise<string> {
  const text = await (await fetch(`${opsUrl}/metrics`)).text();
  const byReason = new Map<string, number>();
  for (const [, reason, value] of text.matchAll(/^eventpath_archiver_files_finalized_total\{[^}]*reason="([^"]+)"[^}]*\} (\d+)/gm)) {
    byReason.set(reason, (byReason.get(reason) ?? 0) + Number(value));
  }
  const total = [...byReason.values()].reduce((a, b) => a + b, 0);
  return `${total} files: ${[...byReason].map(([reason, n]) => `${n} ${reason}`).join(', ')}`;
}

async function runArchiver(options: {
  scenario: string;
  bootstrap: string;
  topic: string;
  workDir: string;
  archiveUrl: string;
  env?: NodeJS.ProcessEnv;
  admin: Admin;
}): Promise<Result & { groupId: string }> {
  const port = await findFreePort();
  const groupId = `bench-archiver-${Date.now()}`;
  const configPath = join(options.workDir, `${groupId}.json`);
  await writeFile(
    configPath,
    JSON.stringify({
      logLevel: 'warn',
      ops: { port },
      kafka: { brokers: options.bootstrap.split(','), clientId: 'archiver-bench', consumer: { maxWaitTime: '100ms' } },
      archive: { url: options.archiveUrl, workDirectory: join(options.workDir, `work-${groupId}`) },
      schemas: { sources: [{ name: 'bench', location: join(options.workDir, 'protos') }], pollInterval: 0 },
      budgets: { memory: `${BUDGET_MIB}MiB`, openFiles: 64 },
      defaults: { groupId, writer: WRITER },
      topics: [{ names: [options.topic], messageType: TYPE_NAME, timestamp: { field: 'event_time' } }],
    }),
  );
  const child = spawn(process.execPath, [...ARCHIVER_NODE_FLAGS, '--import', 'tsx', ARCHIVER_MAIN], {
    cwd: REPO,
    env: { PATH: process.env['PATH'], ARCHIVER_CONFIG: configPath, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ? `signal ${signal}` : `code ${code}`)));
  let ended: string | undefined;
  void exited.then((how) => (ended = how));
  const poll = async (check: () => Promise<boolean>, timeoutMs: number, what: string) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check().catch(() => false))) {
      if (ended) throw new Error(`${options.scenario}: the archiver exited (${ended}) while waiting for ${what}:\n${output.slice(-4000)}`);
      if (Date.now() > deadline) throw new Error(`${options.scenario}: timed out waiting for ${what}:\n${output.slice(-4000)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  let peak = 0;
  const status = () => readFile(`/proc/${child.pid}/status`, 'utf8').then((text) => Number(/^VmHWM:\s+(\d+) kB/m.exec(text)?.[1] ?? 0) * 1024);
  try {
    await poll(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200, 120_000, 'readiness');
    const started = performance.now();
    await poll(() => committedBacklog(options.admin, groupId, options.topic), SMOKE ? 300_000 : 3_600_000, 'the backlog committed');
    const seconds = (performance.now() - started) / 1000;
    peak = await status();
    return { scenario: options.scenario, records: RECORDS, seconds, maxRssBytes: peak, note: await filesFinalized(`http://127.0.0.1:${port}`), groupId };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

// ---------------------------------------------------------------- checks and report

async function countWithDuckDb(glob: string): Promise<{ rows: number; ids: number }> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(`SELECT count(*)::BIGINT AS rows, count(DISTINCT __event_id)::BIGINT AS ids FROM read_parquet('${glob}')`);
    const [row] = reader.getRowObjectsJson() as Array<{ rows: string; ids: string }>;
    return { rows: Number(row.rows), ids: Number(row.ids) };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

function printTable(results: Result[]): void {
  const writer = results.find((r) => r.scenario.startsWith('Parquet writer alone'));
  const writerRate = writer ? writer.records / writer.seconds : Number.NaN;
  const header = ['scenario', 'records', 'seconds', 'records/s', 'vs writer alone', 'peak RSS (MiB)'];
  const rows = results.map((r) => {
    const rate = r.records / r.seconds;
    return [r.scenario + (r.note ? ` (${r.note})` : ''), String(r.records), r.seconds.toFixed(2), String(Math.round(rate)), `${(rate / writerRate).toFixed(2)}x`, (r.maxRssBytes / 1024 / 1024).toFixed(0)];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}

async function main(): Promise<void> {
  const childAt = process.argv.indexOf('--child');
  if (childAt >= 0) {
    const [name, bootstrap, topic, workDir] = process.argv.slice(childAt + 1);
    const results = await CHILD_SCENARIOS[name](bootstrap, topic, workDir);
    const maxRssBytes = process.resourceUsage().maxRSS * 1024;
    console.log(`RESULT ${JSON.stringify(results.map((result) => ({ ...result, maxRssBytes })))}`);
    return;
  }

  const workDir = await mkdtemp(join(tmpdir(), 'archiver-bench-'));
  const kafka = await startApacheKafka({ brokers: 1 });
  const gcs = await startGcsEmulator({ buckets: ['archive'] });
  const admin = new Kafka({ clientId: 'archiver-bench-admin', brokers: kafka.brokers, logLevel: logLevel.NOTHING }).admin();
  try {
    await admin.connect();
    const topic = `bench-${Date.now()}`;
    await kafka.createTopic(topic, PARTITIONS);
    console.log(
      `apps/archiver benchmark${SMOKE ? ' (smoke)' : ''}: ${RECORDS} ${TYPE_NAME} records (~20 fields: nested, repeated, map, oneof, Timestamp) over ${PARTITIONS} partitions and ${EVENT_HOURS} event hours, as a backlog`,
    );
    const produceStarted = performance.now();
    await produce(kafka.bootstrap, topic, await messageType(workDir));
    console.log(`produced in ${((performance.now() - produceStarted) / 1000).toFixed(1)} s; writer ${WRITER}, memory budget ${BUDGET_MIB} MiB, node ${ARCHIVER_NODE_FLAGS.join(' ')}\n`);

    const results: Result[] = [];
    // Each scenario's figures as soon as it ends, so a long run that fails later still reports them.
    const measured = <T extends Result>(result: T): T => {
      results.push(result);
      console.log(`${result.scenario}: ${Math.round(result.records / result.seconds)} records/s over ${result.seconds.toFixed(1)} s, peak RSS ${(result.maxRssBytes / 1024 / 1024).toFixed(0)} MiB${result.note ? ` (${result.note})` : ''}`);
      return result;
    };
    if (SCENARIOS.includes('bare')) runChild('bare-consumer', kafka.bootstrap, topic, workDir).forEach(measured);
    if (SCENARIOS.includes('writer')) runChild('writer-alone', kafka.bootstrap, topic, workDir).forEach(measured);
    const local = join(workDir, 'archive');
    const common = { bootstrap: kafka.bootstrap, topic, workDir, admin };
    const toLocal = SCENARIOS.includes('local') ? measured(await runArchiver({ ...common, scenario: 'archiver → local directory', archiveUrl: `file://${local}` })) : undefined;
    const toGcs = SCENARIOS.includes('gcs') ? measured(await runArchiver({ ...common, scenario: 'archiver → GCS emulator', archiveUrl: 'gs://archive/bench', env: { GCS_API_ENDPOINT: gcs.url } })) : undefined;
    console.log('');
    printTable(results);

    const rate = (prefix: string) => {
      const r = results.find((x) => x.scenario.startsWith(prefix));
      return r ? r.records / r.seconds : Number.NaN;
    };
    const writerRate = rate('Parquet writer');
    // The converter decodes, maps and writes on one thread: its ceiling is the two in series.
    const serial = 1 / (1 / rate('protobuf decode') + 1 / writerRate);
    console.log(
      `\nArchiver vs the writer alone: local ${(rate('archiver → local') / writerRate).toFixed(2)}x, GCS emulator ${(rate('archiver → GCS') / writerRate).toFixed(2)}x; ` +
        `decode + map + write in series on one thread would be ${(serial / writerRate).toFixed(2)}x; the bare consumer reads ${(rate('bare kafkajs') / rate('archiver → local')).toFixed(1)}x as fast as the archiver archives.`,
    );
    const archivers = results.filter((r) => r.scenario.startsWith('archiver'));
    if (archivers.length > 0) console.log(`Peak RSS of the archiver: ${Math.max(...archivers.map((r) => r.maxRssBytes / 1024 / 1024)).toFixed(0)} MiB (budget ${BUDGET_MIB} MiB).`);

    if (toLocal) {
      const counted = await countWithDuckDb(`${local}/${topic}/**/*.parquet`);
      if (counted.ids !== RECORDS) throw new Error(`DuckDB found ${counted.ids} distinct event ids in the local archive, expected ${RECORDS}`);
      console.log(`Local archive read back by DuckDB: ${counted.rows} rows, ${counted.ids} distinct event ids.`);
    }
    if (toGcs) {
      const store = new GcsStore('gs://archive/bench', { storageOptions: gcs.storageOptions() });
      const audit = await auditArchive({ store, topic, admin, groupId: toGcs.groupId, tailReader: tailReaderFor(store, { gcsStorageOptions: gcs.storageOptions() }) });
      if (!audit.ok || audit.totals.archived < RECORDS) throw new Error(`the GCS archive's audit found ${audit.totals.missing} offsets missing, ${audit.totals.archived} archived`);
      console.log(`GCS archive audited from ${audit.objectsListed} footers: no offset missing, ${audit.totals.duplicateRecords} duplicates.`);
    }
  } finally {
    await admin.disconnect().catch(() => undefined);
    await gcs.stop();
    await kafka.stop();
    await rm(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
