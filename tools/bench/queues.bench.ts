/**
 * Benchmark of @eventpath/queues against the dev Kafka broker and a real
 * redis-server, both started here.
 *
 *   npx tsx tools/bench/queues.bench.ts           full run
 *   npx tsx tools/bench/queues.bench.ts --smoke   a few seconds, for CI
 *
 * Producer: many concurrent callers each sending one 200-byte message, as
 * gateway requests do, and a few callers sending 500 at a time; each case's
 * baseline is a bare kafkajs producer doing the same on the same topic in the
 * same run (the dev broker's absolute numbers mean little). Failover: 200-byte events appended in calls of 100 to a Redis with
 * AOF fsync on every write, as production runs it. Exits non-zero when any
 * send fails or the broker or Redis holds a different count than was sent.
 */
import * as queues from '@eventpath/queues';
import * as devInfra from '@eventpath/dev-infra';
import type { DevKafka } from '@eventpath/dev-infra';
import Redis from 'ioredis';
import { Kafka, type Producer } from 'kafkajs';

// The workspace libs resolve only once tsx knows the path aliases (see main).

const smoke = process.argv.includes('--smoke');
const TOPIC = 'bench';
const PARTITIONS = 64;
const MESSAGE_BYTES = 200;
/** Concurrent callers, as concurrent gateway requests would be. */
const CALLERS = [64, 512];
const sizes = smoke
  ? { perCallMessages: 2_000, batchedMessages: 5_000, failoverEvents: 5_000 }
  : { perCallMessages: 50_000, batchedMessages: 200_000, failoverEvents: 200_000 };

interface Row {
  name: string;
  count: number;
  seconds: number;
  unit: string;
  baseline?: number;
}

const payload = (i: number) => {
  const prefix = `event-${i}-`;
  return prefix + 'x'.repeat(MESSAGE_BYTES - prefix.length);
};

/** Runs `total` calls of `call(i)` with `concurrency` callers, in order of i. */
async function runCallers(total: number, concurrency: number, call: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await call(next++);
    }),
  );
  return (performance.now() - started) / 1000;
}

async function benchProducers(broker: DevKafka): Promise<{ rows: Row[]; sent: number }> {
  const { devKafkaClientConfig, devKafkaProducerConfig } = devInfra;
  const { BatchingProducer } = queues;
  const kafka = new Kafka(devKafkaClientConfig(broker.brokers, 'queues-bench'));
  const rows: Row[] = [];
  let sent = 0;

  const bare: Producer = kafka.producer(devKafkaProducerConfig());
  await bare.connect();
  // Warm-up: metadata and connections, so no case pays for them.
  await bare.send({ topic: TOPIC, acks: -1, messages: [{ value: payload(0) }] });
  sent += 1;

  const batching = new BatchingProducer(kafka, { producerConfig: devKafkaProducerConfig() });
  await batching.connect();
  await batching.send(TOPIC, [{ value: payload(0) }]);
  sent += 1;

  const n = sizes.perCallMessages;
  for (const callers of CALLERS) {
    const bareSeconds = await runCallers(n, callers, (i) => bare.send({ topic: TOPIC, acks: -1, messages: [{ value: payload(i) }] }));
    sent += n;
    const baseline = n / bareSeconds;
    rows.push({ name: `baseline: kafkajs producer.send, 1 message per call, ${callers} callers`, count: n, seconds: bareSeconds, unit: 'msg/s', baseline });
    const wrapperSeconds = await runCallers(n, callers, (i) => batching.send(TOPIC, [{ value: payload(i) }]));
    sent += n;
    rows.push({ name: `BatchingProducer.send, 1 message per call, ${callers} callers`, count: n, seconds: wrapperSeconds, unit: 'msg/s', baseline });
  }

  const m = sizes.batchedMessages;
  const perCall = 500;
  const batch = (call: number) => Array.from({ length: perCall }, (_, i) => ({ value: payload(call * perCall + i) }));
  const batchedSeconds = await runCallers(m / perCall, 4, (call) => bare.send({ topic: TOPIC, acks: -1, messages: batch(call) }));
  sent += m;
  const batchedBaseline = m / batchedSeconds;
  rows.push({
    name: `baseline: kafkajs producer.send, ${perCall} messages per call, 4 callers`,
    count: m,
    seconds: batchedSeconds,
    unit: 'msg/s',
    baseline: batchedBaseline,
  });
  const wrapperBatchedSeconds = await runCallers(m / perCall, 4, (call) => batching.send(TOPIC, batch(call)));
  sent += m;
  rows.push({ name: `BatchingProducer.send, ${perCall} messages per call, 4 callers`, count: m, seconds: wrapperBatchedSeconds, unit: 'msg/s', baseline: batchedBaseline });

  await batching.disconnect();
  await bare.disconnect();
  return { rows, sent };
}

async function benchFailover(): Promise<{ rows: Row[] }> {
  const { startRedis } = devInfra;
  const { FailoverStreamWriter, failoverStreamKeys } = queues;
  const server = await startRedis();
  const redis = new Redis(server.url);
  try {
    const rows: Row[] = [];
    const writer = new FailoverStreamWriter(redis, { maxEntriesPerStream: 10_000_000 });
    const perCall = 100;
    for (const callers of [1, 8]) {
      const topic = `bench-${callers}`;
      const calls = sizes.failoverEvents / perCall;
      const seconds = await runCallers(calls, callers, (call) =>
        writer.append(
          topic,
          Array.from({ length: perCall }, (_, i) => ({ id: `e-${call}-${i}`, value: payload(call * perCall + i).slice(0, MESSAGE_BYTES - 12) })),
        ),
      );
      const stored = await redis.xlen(failoverStreamKeys(topic).stream);
      if (stored !== sizes.failoverEvents) throw new Error(`failover stream ${topic} holds ${stored} events, ${sizes.failoverEvents} were appended`);
      rows.push({ name: `FailoverStreamWriter.append, ${perCall} events per call, ${callers} caller(s), AOF fsync always`, count: stored, seconds, unit: 'events/s' });
    }
    return { rows };
  } finally {
    redis.disconnect();
    await server.stop();
  }
}

async function countOnBroker(broker: DevKafka): Promise<number> {
  let total = 0;
  for (let partition = 0; partition < PARTITIONS; partition++) {
    const { low, high } = await broker.watermarks(TOPIC, partition);
    if (low !== 0) throw new Error(`partition ${partition} dropped data (low watermark ${low}): spread the run over more partitions`);
    total += high;
  }
  return total;
}

function printTable(rows: Row[]): void {
  const header = ['case', 'count', 'seconds', 'rate', 'vs baseline'];
  const lines = rows.map((row) => {
    const rate = row.count / row.seconds;
    return [
      row.name,
      String(row.count),
      row.seconds.toFixed(2),
      `${Math.round(rate).toLocaleString('en-US')} ${row.unit}`,
      row.baseline ? `${(rate / row.baseline).toFixed(2)}x` : '',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const format = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  console.log(format(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const line of lines) console.log(format(line));
}

async function main(): Promise<void> {
  const { startDevKafka } = devInfra;
  const broker = await startDevKafka({ topics: [{ name: TOPIC, partitions: PARTITIONS }] });
  try {
    console.log(
      `queues benchmark (${smoke ? 'smoke' : 'full'}): ${MESSAGE_BYTES}-byte messages, topic of ${PARTITIONS} partitions, acks=-1, dev Kafka broker`,
    );
    const producers = await benchProducers(broker);
    const onBroker = await countOnBroker(broker);
    if (onBroker !== producers.sent) throw new Error(`the broker holds ${onBroker} messages, ${producers.sent} were acknowledged`);
    const failover = await benchFailover();
    printTable([...producers.rows, ...failover.rows]);
    const peakRssMiB = process.resourceUsage().maxRSS / 1024;
    console.log(`peak RSS of this process: ${peakRssMiB.toFixed(0)} MiB (broker and redis-server run in their own processes)`);
  } finally {
    await broker.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
