import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repositoryRoot } from '../apache-kafka/kafka-classpath';
import { ORDER_PLACED, loadSampleEncoder } from '../load/sample-schema';
import { eventually } from '../test-support';
import { queryArchive } from './archive-query';
import { descendantPids, processesAlive } from './process-check';

interface ReadyLine {
  ready: boolean;
  GATEWAY_URL: string;
  archiveDir: string;
  apps: Record<string, { pid: number; opsUrl: string }>;
}

/**
 * The dev command as a user runs it (the CLI behind `npm run dev`, without
 * the setup step), on the dev broker: the apps start, events posted as JSON
 * and as protobuf reach the Parquet archive, an app killed by SIGKILL is
 * restarted, and SIGINT leaves no process behind.
 */
describe('the dev command', () => {
  let dataDir: string;
  let dev: ChildProcess;
  const output: string[] = [];
  let ready: ReadyLine;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'dev-command-'));
    const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'info' };
    // External infrastructure would be used instead of started.
    for (const key of ['FRONTING_KAFKA_BROKERS', 'MAINSTREAM_KAFKA_BROKERS', 'REDIS_URL', 'GCS_API_ENDPOINT']) delete env[key];
    dev = spawn(process.execPath, ['--import', 'tsx', 'tools/src/dev-stack/cli.ts', '--data', dataDir, '--gateway-port', '0', '--gcs-port', '0'], {
      cwd: repositoryRoot(),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines = createInterface({ input: dev.stdout! });
    createInterface({ input: dev.stderr! }).on('line', (line) => output.push(line));
    ready = await new Promise<ReadyLine>((resolve, reject) => {
      lines.on('line', (line) => {
        output.push(line);
        if (line.startsWith('{"ready":')) resolve(JSON.parse(line) as ReadyLine);
      });
      dev.once('exit', (code) => reject(new Error(`the dev command exited with ${code} before it was ready:\n${output.slice(-40).join('\n')}`)));
    });
  }, 180_000);

  afterAll(async () => {
    if (dev.exitCode === null && dev.signalCode === null) {
      dev.kill('SIGINT');
      await once(dev, 'exit');
    }
    await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('starts every app, prints the gateway URL and how to post and query, and prefixes each app\'s log lines', () => {
    expect(ready.ready).toBe(true);
    expect(Object.keys(ready.apps).sort()).toEqual(['archiver', 'fronting-worker', 'rest-gateway']);
    const text = output.join('\n');
    expect(text).toContain(`curl -s ${ready.GATEWAY_URL}/v1/topics/events/events -H 'content-type: application/json'`);
    expect(text).toContain(`curl -s ${ready.GATEWAY_URL}/topics/events -H 'content-type: application/vnd.kafka.json.v2+json'`);
    expect(text).toContain('query-archive.ts --archive');
    for (const app of ['rest-gateway', 'fronting-worker', 'archiver']) expect(output.some((line) => line.startsWith(`${app.padEnd(15)} | `))).toBe(true);
  });

  it('archives events posted as JSON and as protobuf, also through an app restarted after SIGKILL, and stops everything on SIGINT', async () => {
    // The worker dies; the dev command says so and starts it again.
    const firstWorker = ready.apps['fronting-worker'].pid;
    process.kill(firstWorker, 'SIGKILL');
    await eventually(() => output.some((line) => line.includes(`fronting-worker was killed by SIGKILL (pid ${firstWorker}): restarting it`)), 10_000, 'the death reported');

    // Event times two minutes back: their one-minute window has closed, so files are stored once the partitions are quiet for 5 s.
    const past = Date.now() - 120_000;
    const json = await fetch(`${ready.GATEWAY_URL}/v1/topics/events/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        events: [
          { id: 'dev-json-1', key: 'u-1', value: { eventId: 'dev-json-1', eventTime: new Date(past).toISOString(), url: 'https://shop.example/a', tags: ['promo'] } },
          { id: 'dev-json-2', key: 'u-2', value: { eventId: 'dev-json-2', eventTime: new Date(past).toISOString(), url: 'https://shop.example/b', device: 'DEVICE_MOBILE' } },
        ],
      }),
    });
    expect(json.status).toBe(200);
    const order = { orderId: 'dev-proto-1', placedAtMs: String(past), customerId: 'c-1', items: [{ sku: 'SKU-1', quantity: 2, unitPriceCents: 150 }], totalCents: '300', currency: 'EUR' };
    const protobufAnswer = await fetch(`${ready.GATEWAY_URL}/v1/topics/orders/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf', 'x-event-id': 'dev-proto-1' },
      body: loadSampleEncoder().encode(ORDER_PLACED, order),
    });
    expect(protobufAnswer.status).toBe(200);
    expect(await protobufAnswer.json()).toMatchObject({ results: [{ id: 'dev-proto-1' }] });

    const archived = async () => {
      try {
        const events = await queryArchive(ready.archiveDir, 'SELECT __event_id AS id, url FROM events ORDER BY id');
        const orders = await queryArchive(ready.archiveDir, 'SELECT __event_id AS id, total_cents, items[1].sku AS sku FROM orders');
        return { events, orders };
      } catch {
        return undefined; // a topic has no file yet
      }
    };
    await eventually(async () => (await archived())?.orders.length === 1 && (await archived())?.events.length === 2, 90_000, 'the events in Parquet');
    expect(await archived()).toEqual({
      events: [
        { id: 'dev-json-1', url: 'https://shop.example/a' },
        { id: 'dev-json-2', url: 'https://shop.example/b' },
      ],
      orders: [{ id: 'dev-proto-1', total_cents: '300', sku: 'SKU-1' }],
    });

    const processes = descendantPids(dev.pid!);
    expect(processes).toEqual(expect.arrayContaining(Object.values(ready.apps).map((app) => app.pid).filter((pid) => pid !== firstWorker)));
    dev.kill('SIGINT');
    const [code] = await once(dev, 'close');
    expect(code).toBe(0);
    expect(output.join('\n')).toContain('Stopped: every app process and the infrastructure are down.');
    await eventually(() => processesAlive(processes).length === 0, 10_000, `no process left of ${processes.join(', ')}`);
  }, 150_000);
});
