/**
 * Benchmark of apps/fronting-worker, run as its own process (main.ts, as
 * deployed), on two Apache Kafka clusters (one node each) and redis-server
 * (AOF, fsync always), against bare loops over the same topics in the same run:
 *
 * - relay: a backlog of ~200-byte records with the gateway's three headers in a
 *   fronting topic of 8 partitions, moved to the mainstream cluster (acks=-1) by
 *   the worker, and by a bare kafkajs consumer → producer loop (eachBatch, every
 *   partition concurrently, a fetched batch sent in sends of at most 512 KiB as
 *   the worker cuts them, then resolveOffset and commitOffsetsIfNecessary);
 * - drain: a backlog written by the gateway's own `FailoverStreamWriter`, moved
 *   to Kafka (acks=-1) by the worker's drain (no rate limit), and by a bare
 *   XREADGROUP (COUNT 500) → produce → XACK + XDEL loop.
 *
 *   npx tsx tools/bench/fronting-worker.bench.ts            full run (two rounds of each case)
 *   npx tsx tools/bench/fronting-worker.bench.ts --smoke    small backlogs, one round, one Kafka node as both clusters (CI)
 *   --records=N (relay backlog), --events=N (drain backlog), --rounds=N
 *
 * Each rate is the backlog divided by the time from the last poll of the
 * target topic that saw none of it to the first that saw it all (the same
 * measurement for the worker and the bare loop, polled every 20 ms), so
 * neither pays its start-up or group join.
 * Prints a markdown table with the ratios and peak RSS; exits non-zero when a
 * target topic does not receive the whole backlog in time (60 s in smoke mode,
 * 10 minutes otherwise).
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startApacheKafka, startRedis, type ApacheKafka, type DevRedis } from '@eventpath/dev-infra';
import { FailoverStreamWriter, failoverStreamKeys, type FailoverEvent } from '@eventpath/queues';
import Redis from 'ioredis';
import { Kafka, Partitioners, logLevel, type Admin, type IHeaders, type Message } from 'kafkajs';

const SMOKE = process.argv.includes('--smoke');
const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const RELAY_RECORDS = arg('records', SMOKE ? 8_000 : 300_000);
const DRAIN_EVENTS = arg('events', SMOKE ? 3_000 : 100_000);
const ROUNDS = arg('rounds', SMOKE ? 1 : 2);
const PARTITIONS = 8;
const VALUE_BYTES = 200;
const DRAIN_BATCH = 500;
/** Most bytes of one send of the bare relay: the worker's default (half of WORKER_MAX_BATCH_BYTES). */
const SEND_BYTES = 512 * 1024;
const RELAY_TOPIC = 'bench-relay';
const DRAIN_TOPIC = 'bench-drain';
const DEAD_LETTER_TOPIC = 'eventpath-dead-letter';
const POLL_MS = 20;
/** How long a backlog may take to arrive before the run fails. */
const WAIT_MS = SMOKE ? 60_000 : 600_000;
const REPO = join(__dirname, '..', '..');
const WORKER_MAIN = join(REPO, 'apps', 'fronting-worker', 'src', 'main.ts');

interface Measured {
  rate: number;
  seconds: number;
}

/** The n-th event as the gateway writes it: a ~200-byte JSON value, a key, the three gateway headers. */
function gatewayEvent(n: number, prefix: string): { id: string; key: string; value: string; headers: Record<string, string>; timestamp: number } {
  const id = `${prefix}-${n}`;
  const timestamp = Date.now();
  const value = JSON.stringify({ id, user: `u-${n % 1000}`, action: 'page_view', path: '/catalogue/items/12345', pad: '' });
  return {
    id,
    key: `customer-${n % 997}`,
    value: value.replace('"pad":""', `"pad":"${'x'.repeat(Math.max(0, VALUE_BYTES - value.length))}"`),
    headers: { 'eventpath-event-id': id, 'eventpath-content-type': 'application/json', 'eventpath-ingest-time': String(timestamp) },
    timestamp,
  };
}

function client(cluster: ApacheKafka, clientId: string): Kafka {
  return new Kafka({ clientId, brokers: cluster.brokers, logLevel: logLevel.NOTHING });
}

async function topicSize(admin: Admin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
}

/**
 * Waits until `topic` holds `count` more records than at the call, and
 * measures from the last poll that saw none of them to the first poll that
 * saw them all (at most two poll intervals more than the true time).
 */
async function measureArrivals(admin: Admin, topic: string, count: number, timeoutMs: number): Promise<Measured> {
  const base = await topicSize(admin, topic);
  const deadline = performance.now() + timeoutMs;
  let noneYet = performance.now();
  for (;;) {
    const polled = performance.now();
    const arrived = (await topicSize(admin, topic)) - base;
    if (arrived === 0) noneYet = polled;
    if (arrived >= count) {
      const seconds = (performance.now() - noneYet) / 1000;
      return { rate: count / seconds, seconds };
    }
    if (polled > deadline) throw new Error(`${topic}: ${arrived} of ${count} records after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Worker processes still running: stopped when the run ends, also on a failure. */
const running = new Set<() => Promise<void>>();

/** A fronting-worker process; its peak RSS is read before it stops. */
async function startWorker(env: Record<string, string>): Promise<{ peakRssMiB(): Promise<number>; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER_MAIN], {
    cwd: REPO,
    env: { ...process.env, LOG_LEVEL: 'info', OPS_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    running.delete(stop);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  running.add(stop);
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the worker exited with ${code} before it started`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      const entry = JSON.parse(line) as { msg?: string; level?: number; component?: string };
      if (entry.msg === 'fronting-worker started') resolve();
      // The worker's own warnings and errors (kafkajs logs each failed request as an error: left out).
      else if ((entry.level ?? 0) >= 40 && entry.component !== 'kafkajs') console.error(line);
    });
  });
  return {
    peakRssMiB: async () => Number(/^VmHWM:\s+(\d+) kB/m.exec(await readFile(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024,
    stop,
  };
}

/** The bare relay: kafkajs's consumer and producer and nothing else, until `count` records were sent. */
async function bareRelay(fronting: ApacheKafka, mainstream: ApacheKafka, admin: Admin, target: string, groupId: string, count: number): Promise<Measured> {
  const producer = client(mainstream, 'bench-bare-relay').producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  const consumer = client(fronting, 'bench-bare-relay').consumer({ groupId, allowAutoTopicCreation: false });
  await Promise.all([producer.connect(), consumer.connect()]);
  try {
    consumer.on(consumer.events.CRASH, ({ payload }) => console.error(`bare relay consumer crashed: ${payload.error.message}`));
    await consumer.subscribe({ topic: RELAY_TOPIC, fromBeginning: true });
    const measuring = measureArrivals(admin, target, count, WAIT_MS);
    await consumer.run({
      autoCommitInterval: 1000,
      partitionsConsumedConcurrently: PARTITIONS,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary }) => {
        if (batch.messages.length === 0) return;
        const messages: Message[] = batch.messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers, timestamp: m.timestamp }));
        for (const chunk of chunksBelow(messages, SEND_BYTES)) await producer.send({ topic: target, acks: -1, messages: chunk });
        resolveOffset(batch.lastOffset());
        await commitOffsetsIfNecessary();
      },
    });
    return await measuring;
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
  }
}

/**
 * Consecutive runs of messages of at most `bytes` (values, keys and headers):
 * a fetched batch of a partition (up to 1 MiB) sent whole would pass the
 * brokers' message.max.bytes. The worker cuts its sends at the same bound.
 */
function chunksBelow(messages: Message[], bytes: number): Message[][] {
  const chunks: Message[][] = [];
  let chunk: Message[] = [];
  let size = 0;
  for (const message of messages) {
    let messageBytes = (message.value?.length ?? 0) + (message.key?.length ?? 0) + 32;
    for (const [name, value] of Object.entries(message.headers ?? {})) messageBytes += name.length + (typeof value === 'string' || Buffer.isBuffer(value) ? value.length : 0);
    if (chunk.length > 0 && size + messageBytes > bytes) {
      chunks.push(chunk);
      chunk = [];
      size = 0;
    }
    chunk.push(message);
    size += messageBytes;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

/** The bare drain: XREADGROUP, one send, XACK + XDEL, until the stream is empty. */
async function bareDrain(redisUrl: string, mainstream: ApacheKafka, admin: Admin, target: string, count: number): Promise<Measured> {
  const redis = new Redis(redisUrl);
  const producer = client(mainstream, 'bench-bare-drain').producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const stream = failoverStreamKeys(DRAIN_TOPIC).stream;
  const group = `bench-bare-${Date.now()}`;
  try {
    await redis.xgroup('CREATE', stream, group, '0', 'MKSTREAM');
    const measuring = measureArrivals(admin, target, count, WAIT_MS);
    for (;;) {
      const reply = (await redis.callBuffer('XREADGROUP', 'GROUP', group, 'bare', 'COUNT', DRAIN_BATCH, 'STREAMS', stream, '>')) as Array<[Buffer, Array<[Buffer, Buffer[]]>]> | null;
      const entries = reply?.[0]?.[1] ?? [];
      if (entries.length === 0) break;
      await producer.send({ topic: target, acks: -1, messages: entries.map(([, fields]) => entryMessage(fields)) });
      const ids = entries.map(([id]) => id);
      await redis.multi().xack(stream, group, ...ids).xdel(stream, ...ids).exec();
    }
    return await measuring;
  } finally {
    await producer.disconnect();
    redis.disconnect();
  }
}

/** A failover stream entry (id, ts, v, k, h:<name> fields) as a Kafka message. */
function entryMessage(fields: Buffer[]): Message {
  const headers: IHeaders = {};
  const message: Message = { value: null, headers };
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const name = fields[i].toString();
    if (name === 'v') message.value = fields[i + 1];
    else if (name === 'k') message.key = fields[i + 1];
    else if (name === 'ts') message.timestamp = fields[i + 1].toString();
    else if (name.startsWith('h:')) headers[name.slice(2)] = fields[i + 1];
  }
  return message;
}

async function writeBacklog(redisUrl: string, events: FailoverEvent[]): Promise<void> {
  const redis = new Redis(redisUrl);
  const writer = new FailoverStreamWriter(redis, { maxEntriesPerStream: 100_000_000 });
  try {
    for (let i = 0; i < events.length; i += 1000) await writer.append(DRAIN_TOPIC, events.slice(i, i + 1000));
  } finally {
    redis.disconnect();
  }
}

function printTable(rows: Array<{ name: string; rate: number; versus?: { name: string; rate: number } }>): void {
  const header = ['case', 'records/s', 'vs', 'ratio'];
  const lines = rows.map((row) => [
    row.name,
    Math.round(row.rate).toLocaleString('en-US'),
    row.versus?.name ?? '',
    row.versus ? `${(row.rate / row.versus.rate).toFixed(2)}x` : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const format = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 || i === 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  console.log(format(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const line of lines) console.log(format(line));
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

async function main(): Promise<void> {
  console.log(
    `fronting-worker benchmark (${SMOKE ? 'smoke' : 'full'}): relay backlog ${RELAY_RECORDS} records, drain backlog ${DRAIN_EVENTS} events, ` +
      `~${VALUE_BYTES}-byte values with the gateway's 3 headers, keyed, topics of ${PARTITIONS} partitions, acks=-1, ` +
      `${SMOKE ? 'one Apache Kafka node as both clusters' : 'two Apache Kafka clusters (one node each)'}, redis-server (AOF fsync always), ${ROUNDS} round(s), the worker as its own process`,
  );
  const mainstreamTopics: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of ['relay-bare', 'relay-worker', 'drain-bare', 'drain-worker']) mainstreamTopics.push(`bench-${name}-${round}:${PARTITIONS}`);
  }
  const frontingTopics = [`${RELAY_TOPIC}:${PARTITIONS}`, `${DEAD_LETTER_TOPIC}:1`];
  // Smoke: one cluster plays both parts (one broker start fewer); the full run has two.
  const [fronting, mainstream, redis]: [ApacheKafka, ApacheKafka, DevRedis] = SMOKE
    ? await Promise.all([startApacheKafka({ brokers: 1, topics: [...frontingTopics, ...mainstreamTopics] }), startRedis()]).then(([one, r]) => [one, one, r])
    : await Promise.all([startApacheKafka({ brokers: 1, topics: frontingTopics }), startApacheKafka({ brokers: 1, topics: mainstreamTopics }), startRedis()]);
  const admin = client(mainstream, 'bench-admin').admin();
  await admin.connect();
  const workerEnv = {
    FRONTING_KAFKA_BROKERS: fronting.bootstrap,
    MAINSTREAM_KAFKA_BROKERS: mainstream.bootstrap,
    REDIS_URL: redis.url,
    WORKER_DEAD_LETTER_TOPIC: DEAD_LETTER_TOPIC,
  };
  const relay = { bare: [] as number[], worker: [] as number[] };
  const drain = { bare: [] as number[], worker: [] as number[] };
  const rss = { relay: 0, drain: 0 };
  try {
    const producer = client(fronting, 'bench-load').producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    for (let i = 0; i < RELAY_RECORDS; i += 1000) {
      const messages = Array.from({ length: Math.min(1000, RELAY_RECORDS - i) }, (_, j) => {
        const event = gatewayEvent(i + j, 'relay');
        return { key: event.key, value: event.value, headers: event.headers, timestamp: String(event.timestamp) };
      });
      await producer.send({ topic: RELAY_TOPIC, acks: -1, messages });
    }
    await producer.disconnect();
    const backlog = Array.from({ length: DRAIN_EVENTS }, (_, n) => gatewayEvent(n, 'drain'));

    for (let round = 0; round < ROUNDS; round++) {
      // Relay: each consumer group reads the whole backlog from the beginning.
      relay.bare.push((await bareRelay(fronting, mainstream, admin, `bench-relay-bare-${round}`, `bench-bare-${round}`, RELAY_RECORDS)).rate);
      const relayTarget = `bench-relay-worker-${round}`;
      const relayMeasuring = measureArrivals(admin, relayTarget, RELAY_RECORDS, WAIT_MS);
      const relayWorker = await startWorker({
        ...workerEnv,
        WORKER_TOPICS: RELAY_TOPIC,
        WORKER_TOPIC_MAP: `${RELAY_TOPIC}:${relayTarget}`,
        WORKER_GROUP_ID: `bench-worker-${round}`,
        DRAIN_ENABLED: 'false',
      });
      relay.worker.push((await relayMeasuring).rate);
      rss.relay = Math.max(rss.relay, await relayWorker.peakRssMiB());
      await relayWorker.stop();

      // Drain: the same backlog written again for each loop (both delete what they moved).
      await writeBacklog(redis.url, backlog);
      drain.bare.push((await bareDrain(redis.url, mainstream, admin, `bench-drain-bare-${round}`, DRAIN_EVENTS)).rate);
      await writeBacklog(redis.url, backlog);
      const drainTarget = `bench-drain-worker-${round}`;
      const drainMeasuring = measureArrivals(admin, drainTarget, DRAIN_EVENTS, WAIT_MS);
      const drainWorker = await startWorker({
        ...workerEnv,
        // The drain alone: no fronting topic of that name, so the relay has nothing to do.
        WORKER_TOPICS: DRAIN_TOPIC,
        WORKER_TOPIC_MAP: `${DRAIN_TOPIC}:${drainTarget}`,
        WORKER_GROUP_ID: `bench-drain-worker-${round}`,
        WORKER_INSTANCE_ID: `bench-drain-${round}`,
        DRAIN_TARGET: 'mainstream',
        DRAIN_RATE_LIMIT: '0',
        DRAIN_BATCH_SIZE: String(DRAIN_BATCH),
      });
      drain.worker.push((await drainMeasuring).rate);
      rss.drain = Math.max(rss.drain, await drainWorker.peakRssMiB());
      await drainWorker.stop();
    }
    const bareRelayName = `baseline: bare kafkajs consume→produce loop (eachBatch, ${PARTITIONS} partitions concurrently)`;
    const bareDrainName = `baseline: bare XREADGROUP (COUNT ${DRAIN_BATCH}) → produce → XACK+XDEL loop`;
    printTable([
      { name: bareRelayName, rate: mean(relay.bare) },
      { name: 'fronting-worker relay (fronting → mainstream)', rate: mean(relay.worker), versus: { name: 'bare consume→produce', rate: mean(relay.bare) } },
      { name: bareDrainName, rate: mean(drain.bare) },
      { name: 'fronting-worker drain (Redis → Kafka, no rate limit)', rate: mean(drain.worker), versus: { name: 'bare XREADGROUP loop', rate: mean(drain.bare) } },
    ]);
    const perRound = (values: number[]) => values.map((v) => Math.round(v).toLocaleString('en-US')).join(', ');
    console.log(
      `per round (records/s): relay bare ${perRound(relay.bare)}; relay worker ${perRound(relay.worker)}; drain bare ${perRound(drain.bare)}; drain worker ${perRound(drain.worker)}`,
    );
    console.log(
      `peak RSS: worker process relaying ${rss.relay.toFixed(0)} MiB, worker process draining ${rss.drain.toFixed(0)} MiB, ` +
        `this process (bare loops) ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB; the brokers and redis-server run apart`,
    );
    console.log('aim: relay ≥ 0.8x the bare loop');
  } finally {
    await Promise.all([...running].map((stop) => stop()));
    await admin.disconnect();
    await Promise.all([fronting.stop(), mainstream === fronting ? undefined : mainstream.stop(), redis.stop()]);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
