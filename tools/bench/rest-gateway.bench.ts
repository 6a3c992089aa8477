/**
 * Benchmark of the rest-gateway's ingest path, the load coming from a second
 * process (autocannon) over loopback, against:
 * - the same HTTP stack answering without Kafka (parse, validate, respond:
 *   `createIngestApp` with a sink that acknowledges at once): the framework's ceiling;
 * - a bare kafkajs producer sending the same events to the same broker,
 *   acks=-1, with the same batching (100 events per send, as many sends in flight as
 *   the load has connections).
 *
 *   npx tsx tools/bench/rest-gateway.bench.ts            full run, on Apache Kafka (one node)
 *   npx tsx tools/bench/rest-gateway.bench.ts --smoke    a second per case, on the dev broker
 *   --kafka=apache|dev chooses the broker; --seconds=N the length of each case.
 *
 * Cases: (a) single-event requests, (b) 100-event batches, ~200-byte events,
 * through the gateway (acks=-1) and through the ceiling; the failover path
 * (Kafka unreachable, every event appended to the Redis stream, AOF fsync
 * always). Prints a markdown table with events/s, p50/p99 latency and the
 * ratios the issue asks for, and peak RSS. Exits non-zero when any request
 * is not answered 200 or the broker holds fewer events than were acknowledged.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import * as devInfra from '@eventpath/dev-infra';
import * as ingest from '@eventpath/ingest';
import * as queues from '@eventpath/queues';
import Redis from 'ioredis';
import type { ApacheKafka, DevKafka, DevRedis } from '@eventpath/dev-infra';
import { Kafka, Partitioners, logLevel, type Producer } from 'kafkajs';

const run = promisify(execFile);
const SMOKE = process.argv.includes('--smoke');
const KAFKA_KIND = (process.argv.find((a) => a.startsWith('--kafka='))?.split('=')[1] ?? (SMOKE ? 'dev' : 'apache')) as 'apache' | 'dev';
const SECONDS = Number(process.argv.find((a) => a.startsWith('--seconds='))?.split('=')[1] ?? (SMOKE ? 1 : 15));
const TOPIC = 'bench';
const PARTITIONS = 16;
const BATCH = 100;
const EVENT_BYTES = 200;
const SINGLE_CONNECTIONS = 64;
const BATCH_CONNECTIONS = 16;
const REPO = join(__dirname, '..', '..');
const AUTOCANNON = join(REPO, 'node_modules', '.bin', 'autocannon');
const GATEWAY_MAIN = join(REPO, 'apps', 'rest-gateway', 'src', 'main.ts');

interface Row {
  name: string;
  eventsPerSecond: number;
  p50?: number;
  p99?: number;
  /** The rate this row is compared with, and the name of that case. */
  versus?: { name: string; rate: number };
}

/** A ~200-byte event value (the JSON event object is about 220 bytes). */
function eventValue(i: number): Record<string, unknown> {
  const base = { user: `u-${i % 1000}`, action: 'page_view', path: '/catalogue/items/12345', ts: 1714564800000 + i, pad: '' };
  base.pad = 'x'.repeat(Math.max(0, EVENT_BYTES - JSON.stringify(base).length));
  return base;
}

/** autocannon in its own process: the load never shares the gateway's event loop. */
async function loadWith(url: string, body: string, connections: number, seconds: number): Promise<{ requests: number; p50: number; p99: number; non2xx: number; errors: number; seconds: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'gateway-bench-'));
  const input = join(dir, 'body.json');
  await writeFile(input, body);
  const { stdout } = await run(
    AUTOCANNON,
    ['-c', String(connections), '-d', String(seconds), '-m', 'POST', '-H', 'content-type=application/json', '-i', input, '-j', '-n', url],
    { maxBuffer: 64 << 20, timeout: (seconds + 60) * 1000 },
  );
  const result = JSON.parse(stdout) as {
    requests: { total: number };
    latency: { p50: number; p99: number };
    non2xx: number;
    errors: number;
    timeouts: number;
    duration: number;
    '2xx': number;
  };
  return { requests: result['2xx'], p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors + result.timeouts, seconds: result.duration };
}

/**
 * The same bare producer calls as the gateway's batches: `count`-message sends, `callers` at a time, for `seconds`.
 * The messages are the gateway's: the same value bytes and the same three headers (event id, content type, ingest time).
 */
async function bareProducer(producer: Producer, count: number, callers: number, seconds: number): Promise<{ events: number; seconds: number }> {
  const messages = Array.from({ length: count }, (_, i) => ({
    value: JSON.stringify(eventValue(i)),
    headers: { 'eventpath-event-id': ingest.newEventId(), 'eventpath-content-type': 'application/json', 'eventpath-ingest-time': String(Date.now()) },
  }));
  const deadline = performance.now() + seconds * 1000;
  let events = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (performance.now() < deadline) {
        await producer.send({ topic: TOPIC, acks: -1, messages });
        events += count;
      }
    }),
  );
  return { events, seconds: (performance.now() - started) / 1000 };
}

/** The ingest HTTP stack with a sink that acknowledges every event at once: parse, validate, respond, no Kafka. */
async function startCeiling(): Promise<{ url: string; close(): Promise<void> }> {
  const { createIngestApp, ApiKeyAuthenticator, PrincipalRateLimiter, TopicValueCodecs, DEFAULT_INGEST_LIMITS } = ingest;
  const topic = { name: TOPIC, partitions: Array.from({ length: PARTITIONS }, (_, partition) => ({ partition, leader: 1, replicas: [1], isr: [1] })) };
  let offset = 0;
  const app = createIngestApp({
    sink: { write: async (_t, events) => events.map(() => ({ status: 'kafka' as const, partition: 0, offset: String(offset++) })) },
    topics: { known: true, resolve: async (name) => (name === TOPIC ? topic : undefined), get: (name) => (name === TOPIC ? topic : undefined), names: () => [TOPIC] },
    authenticator: new ApiKeyAuthenticator(undefined),
    rateLimiter: new PrincipalRateLimiter(),
    codecs: new TopicValueCodecs(),
    limits: DEFAULT_INGEST_LIMITS,
    maxBodyBytes: 10 << 20,
    retryAfterSeconds: 1,
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

interface Broker {
  bootstrap: string;
  brokers: string[];
  stop(): Promise<void>;
}

async function startBroker(): Promise<Broker> {
  if (KAFKA_KIND === 'dev') {
    const dev: DevKafka = await devInfra.startDevKafka({ topics: [{ name: TOPIC, partitions: PARTITIONS }] });
    return dev;
  }
  const apache: ApacheKafka = await devInfra.startApacheKafka({ brokers: 1, topics: [`${TOPIC}:${PARTITIONS}`] });
  return apache;
}

/** A rest-gateway process (main.ts, as deployed), so its CPU and memory are its own. */
interface GatewayProcess {
  httpUrl: string;
  /** Its peak resident set (VmHWM), read before it stops. */
  peakRssMiB(): Promise<number>;
  stop(): Promise<void>;
}

async function startGateway(bootstrap: string, redisUrl: string, extraEnv: Record<string, string> = {}): Promise<GatewayProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', GATEWAY_MAIN], {
    cwd: REPO,
    env: {
      ...process.env,
      LOG_LEVEL: 'info',
      HTTP_PORT: '0',
      HTTP_HOST: '127.0.0.1',
      OPS_PORT: '0',
      FRONTING_KAFKA_BROKERS: bootstrap,
      REDIS_URL: redisUrl,
      FAILOVER_MAX_ENTRIES_PER_STREAM: '100000000',
      FAILOVER_MAX_BYTES_PER_STREAM: String(64 * 2 ** 30),
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the gateway exited with ${code} before it listened`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      const entry = JSON.parse(line) as { msg?: string; httpPort?: number; level?: number };
      if (entry.msg === 'rest-gateway listening' && entry.httpPort) resolve(entry.httpPort);
      // kafkajs's connection errors are expected from the gateway whose Kafka is down.
      else if ((entry.level ?? 0) >= 50 && !line.includes('"component":"kafkajs"')) console.error(line);
    });
  });
  return {
    httpUrl: `http://127.0.0.1:${port}`,
    peakRssMiB: async () => Number(/^VmHWM:\s+(\d+) kB/m.exec(await readFile(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function printTable(rows: Row[]): void {
  const header = ['case', 'events/s', 'p50 ms', 'p99 ms', 'vs', 'ratio'];
  const lines = rows.map((row) => [
    row.name,
    Math.round(row.eventsPerSecond).toLocaleString('en-US'),
    row.p50 === undefined ? '' : String(row.p50),
    row.p99 === undefined ? '' : String(row.p99),
    row.versus?.name ?? '',
    row.versus ? `${(row.eventsPerSecond / row.versus.rate).toFixed(2)}x` : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const format = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 || i === 4 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  console.log(format(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const line of lines) console.log(format(line));
}

async function main(): Promise<void> {
  const single = JSON.stringify({ value: eventValue(0) });
  const batch = JSON.stringify({ events: Array.from({ length: BATCH }, (_, i) => ({ value: eventValue(i) })) });
  console.log(
    `rest-gateway benchmark (${SMOKE ? 'smoke' : 'full'}): ${SECONDS} s per case, ~${EVENT_BYTES}-byte events (single request body ${single.length} bytes, ` +
      `batch body ${batch.length} bytes), acks=-1, ${KAFKA_KIND === 'apache' ? 'Apache Kafka, one node' : 'dev broker'}, topic of ${PARTITIONS} partitions, ` +
      `autocannon in its own process, ${SINGLE_CONNECTIONS} connections for single events and ${BATCH_CONNECTIONS} for batches`,
  );
  const broker = await startBroker();
  const redis: DevRedis = await devInfra.startRedis();
  const failures: string[] = [];
  const rows: Row[] = [];
  try {
    const kafka = new Kafka({ clientId: 'bench-bare', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic: TOPIC, acks: -1, messages: [{ value: 'warm-up' }] });
    let acknowledged = 1;

    const ceiling = await startCeiling();
    const gateway = await startGateway(broker.bootstrap, redis.url);
    const warmUp = Math.min(2, SECONDS);
    const measure = async (name: string, url: string, body: string, connections: number, events: number) => {
      const result = await loadWith(url, body, connections, SECONDS);
      if (result.non2xx + result.errors > 0) failures.push(`${name}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
      return { name, eventsPerSecond: (result.requests * events) / result.seconds, p50: result.p50, p99: result.p99, requests: result.requests };
    };
    const nativeUrl = (base: string) => `${base}/v1/topics/${TOPIC}/events`;
    // Warm-up: connections, metadata, JIT.
    await loadWith(nativeUrl(gateway.httpUrl), batch, BATCH_CONNECTIONS, warmUp).then((r) => (acknowledged += r.requests * BATCH));
    await loadWith(nativeUrl(ceiling.url), single, SINGLE_CONNECTIONS, warmUp);

    const ceilingSingle = await measure('(a) ceiling: same HTTP stack, no Kafka, single-event requests', nativeUrl(ceiling.url), single, SINGLE_CONNECTIONS, 1);
    const gatewaySingle = await measure('(a) gateway, single-event requests', nativeUrl(gateway.httpUrl), single, SINGLE_CONNECTIONS, 1);
    acknowledged += gatewaySingle.requests;
    const ceilingBatch = await measure(`(b) ceiling: same HTTP stack, no Kafka, ${BATCH}-event batches`, nativeUrl(ceiling.url), batch, BATCH_CONNECTIONS, BATCH);
    const gatewayBatch = await measure(`(b) gateway, ${BATCH}-event batches`, nativeUrl(gateway.httpUrl), batch, BATCH_CONNECTIONS, BATCH);
    acknowledged += gatewayBatch.requests * BATCH;
    const bare = await bareProducer(producer, BATCH, BATCH_CONNECTIONS, SECONDS);
    acknowledged += bare.events;
    const bareRate = bare.events / bare.seconds;
    const bareSingle = await bareProducer(producer, 1, SINGLE_CONNECTIONS, SECONDS);
    acknowledged += bareSingle.events;
    const gatewayRss = await gateway.peakRssMiB();
    await gateway.stop();
    const failedOver = await streamLength(redis.url);

    // Failover: a gateway whose fronting Kafka is unreachable (it knows the topic from the list the first one saved in Redis).
    const failover = await startGateway('127.0.0.1:1', redis.url, { FRONTING_KAFKA_CONNECTION_TIMEOUT_MS: '200', FRONTING_KAFKA_RETRIES: '0' });
    await loadWith(nativeUrl(failover.httpUrl), batch, BATCH_CONNECTIONS, warmUp);
    const failoverBatch = await measure(`failover path (Kafka down, Redis AOF fsync always), ${BATCH}-event batches`, nativeUrl(failover.httpUrl), batch, BATCH_CONNECTIONS, BATCH);
    const failoverSingle = await measure('failover path (Kafka down, Redis AOF fsync always), single-event requests', nativeUrl(failover.httpUrl), single, SINGLE_CONNECTIONS, 1);
    const failoverRss = await failover.peakRssMiB();
    await failover.stop();
    await ceiling.close();
    await producer.disconnect();

    // Sends slower than the gateway's send timeout fail over: an acknowledged event is on the broker or in the stream.
    const stored = await storedOnBroker(broker);
    if (stored + failedOver < acknowledged) {
      failures.push(`the broker holds ${stored} events and the stream ${failedOver}, ${acknowledged} were acknowledged`);
    }

    const bareName = `baseline: bare kafkajs producer, ${BATCH}-message sends, ${BATCH_CONNECTIONS} in flight`;
    rows.push(
      { ...ceilingSingle },
      { ...gatewaySingle, versus: { name: 'ceiling (a)', rate: ceilingSingle.eventsPerSecond } },
      { ...ceilingBatch },
      { name: bareName, eventsPerSecond: bareRate },
      { ...gatewayBatch, versus: { name: 'bare producer (b)', rate: bareRate } },
      { name: `baseline: bare kafkajs producer, 1-message sends, ${SINGLE_CONNECTIONS} in flight`, eventsPerSecond: bareSingle.events / bareSingle.seconds },
      { ...failoverBatch, versus: { name: 'gateway (b)', rate: gatewayBatch.eventsPerSecond } },
      { ...failoverSingle, versus: { name: 'gateway (a)', rate: gatewaySingle.eventsPerSecond } },
    );
    printTable(rows);
    const peakRssMiB = process.resourceUsage().maxRSS / 1024;
    console.log(
      `peak RSS: gateway process ${gatewayRss.toFixed(0)} MiB, failover gateway process ${failoverRss.toFixed(0)} MiB, ` +
        `this process (ceiling server and bare producer) ${peakRssMiB.toFixed(0)} MiB; autocannon, the broker and redis-server run apart`,
    );
    console.log(`aims: (b) gateway ≥ 0.8x the bare producer; (a) gateway ≥ 0.7x the ceiling`);
  } finally {
    await redis.stop();
    await broker.stop();
  }
  if (failures.length > 0) {
    console.error(`FAILED:\n${failures.join('\n')}`);
    process.exit(1);
  }
}

/** Entries in the bench topic's failover stream. */
async function streamLength(url: string): Promise<number> {
  const redis = new Redis(url);
  try {
    return await redis.xlen(queues.failoverStreamKeys(TOPIC).stream);
  } finally {
    redis.disconnect();
  }
}

/** Events on the broker's bench topic, by the partitions' end offsets. */
async function storedOnBroker(broker: Broker): Promise<number> {
  const kafka = new Kafka({ clientId: 'bench-count', brokers: broker.brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(TOPIC);
    return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  } finally {
    await admin.disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
