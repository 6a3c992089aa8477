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
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '@eventpath/dev-infra';
import * as schemasLib from '@eventpath/schemas';
import type { DecodedMessage, MessageSchema } from '@eventpath/schemas';

const lazyRequire = createRequire(__filename);
const protobufjs = () => lazyRequire('protobufjs') as typeof import('protobufjs');

const SMOKE = process.argv.includes('--smoke');
const EVENTS = SMOKE ? 5_000 : 300_000;
const DISTINCT_EVENTS = SMOKE ? 1_000 : 10_000;
const TYPE_NAME = 'bench.events.TypicalEvent';

const TYPICAL_EVENT_PROTO = `
syntax = "proto3";
package bench.events;

import "google/protobuf/timestamp.proto";
import "google/protobuf/wrappers.proto";

message TypicalEvent {
  string event_id = 1;
  EventType event_type = 2;
  google.protobuf.Timestamp event_time = 3;
  Producer producer = 4;
  optional uint64 user_id = 5;
  optional string session_id = 6;
  string country = 7;
  Device device = 8;
  google.protobuf.DoubleValue amount = 9;
  string currency = 10;
  repeated Item items = 11;
  repeated string tags = 12;
  map<string, string> attributes = 13;
  bool is_test = 14;
  int32 schema_version = 15;
  bytes raw_payload = 16;
  int64 total_micros = 17;
  oneof source {
    string campaign_id = 18;
    string referrer_url = 19;
  }
  sint32 timezone_offset_minutes = 20;

  enum EventType {
    EVENT_TYPE_UNSPECIFIED = 0;
    EVENT_TYPE_VIEW = 1;
    EVENT_TYPE_CART = 2;
    EVENT_TYPE_PURCHASE = 3;
  }
}

message Producer {
  string app = 1;
  string version = 2;
  string host = 3;
}

message Device {
  string os = 1;
  string model = 2;
  uint32 screen_width = 3;
}

message Item {
  string sku = 1;
  int32 quantity = 2;
  double unit_price = 3;
}
`;

interface Result {
  scenario: string;
  events: number;
  seconds: number;
  maxRssBytes: number;
}


/** Events in the decoded representation; index-dependent so no two are alike. */
function typicalEvents(count: number): DecodedMessage[] {
  const next = seededRandom(42);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)];
  return Array.from({ length: count }, (_, index) => {
    const items = Array.from({ length: 1 + Math.floor(next() * 4) }, (__, item) => ({
      sku: `SKU-${Math.floor(next() * 100_000)}-${item}`,
      quantity: 1 + Math.floor(next() * 5),
      unit_price: Math.round(next() * 100_000) / 100,
    }));
    const event: DecodedMessage = {
      event_id: `evt-${index.toString(36)}-${Math.floor(next() * 1e9).toString(36)}`,
      event_type: pick(['EVENT_TYPE_VIEW', 'EVENT_TYPE_CART', 'EVENT_TYPE_PURCHASE']),
      event_time: { seconds: 1714564800n + BigInt(index), nanos: Math.floor(next() * 1e6) * 1000 },
      producer: { app: pick(['web', 'ios', 'android']), version: `4.${Math.floor(next() * 20)}.0`, host: `pod-${Math.floor(next() * 64)}` },
      user_id: BigInt(Math.floor(next() * 2 ** 40)),
      session_id: `s-${Math.floor(next() * 1e12).toString(36)}`,
      country: pick(['ID', 'SG', 'VN', 'TH', 'PH']),
      device: { os: pick(['android 14', 'ios 17.4']), model: pick(['Pixel 8', 'iPhone 15', 'Galaxy S24']), screen_width: pick([390, 412, 1080]) },
      amount: { value: Math.round(next() * 1e7) / 100 },
      currency: 'IDR',
      items,
      tags: ['promo', pick(['new-user', 'returning']), pick(['a', 'b'])],
      attributes: new Map([
        ['experiment', pick(['control', 'variant-a'])],
        ['channel', pick(['organic', 'paid'])],
      ]),
      is_test: false,
      schema_version: 3,
      raw_payload: new Uint8Array(Array.from({ length: 16 }, () => Math.floor(next() * 256))),
      total_micros: BigInt(Math.floor(next() * 1e12)),
      timezone_offset_minutes: pick([420, 480, -300]),
    };
    if (index % 2 === 0) event.campaign_id = `cmp-${index % 97}`;
    else event.referrer_url = 'https://example.com/landing';
    return event;
  });
}

async function loadBenchSchema(workDir: string): Promise<MessageSchema> {
  const { loadSchemas } = schemasLib;
  const directory = join(workDir, 'protos');
  await mkdir(join(directory, 'bench'), { recursive: true });
  await writeFile(join(directory, 'bench', 'events.proto'), TYPICAL_EVENT_PROTO);
  const schemas = await loadSchemas([{ kind: 'protoDirectory', name: 'bench', directory }]);
  return schemas.messageType(TYPE_NAME);
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
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
