import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort, startGcsEmulator, startRedis, useTestKafka, eventually, type DevRedis, type GcsEmulator, type TestKafka } from '@eventpath/dev-infra';
import { Kafka } from 'kafkajs';
import { parse as parseYaml } from 'yaml';
import { BUNDLE_FILE, DEPLOYED_APPS, REPO_ROOT, type DeployedApp } from './deployed-apps';
import { buildStandaloneApps } from './standalone/build-standalone-apps';
import { packagesLoadedBy } from './standalone/bundle-imports';
import { installStandaloneApp } from './standalone/install-standalone-app';
import { startStandaloneApp, type StandaloneAppProcess } from './standalone/standalone-app-process';

// `nx build <app>` must give a folder that runs on its own: copied out of the repository,
// `npm ci --omit=dev` from its generated lockfile, then `node main.cjs` against real Kafka,
// Redis and the GCS emulator. One build and one install per app, one Kafka for the file.

const appNamed = (name: DeployedApp['name']) => DEPLOYED_APPS.find((app) => app.name === name) as DeployedApp;
const workspaceLock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };

let kafka: TestKafka;
let redis: DevRedis;
let gcs: GcsEmulator;
const installed = new Map<string, string>();
const running: StandaloneAppProcess[] = [];
const scratch: string[] = [];

beforeAll(async () => {
  buildStandaloneApps(DEPLOYED_APPS);
  const installs = DEPLOYED_APPS.map(async (app) => installed.set(app.name, await installStandaloneApp(app)));
  [kafka, redis, gcs] = await Promise.all([useTestKafka(), startRedis(), startGcsEmulator({ buckets: ['archive'] }), ...installs]);
}, 600_000);

afterAll(async () => {
  await Promise.all(running.map((app) => app.stop()));
  await Promise.all([kafka?.release(), redis?.stop(), gcs?.stop()]);
  await Promise.all([...installed.values(), ...scratch].map((dir) => rm(dir, { recursive: true, force: true })));
});

async function start(app: DeployedApp, env: Record<string, string>): Promise<StandaloneAppProcess> {
  const dir = installed.get(app.name);
  if (!dir) throw new Error(`${app.name} was not installed`);
  const started = await startStandaloneApp(dir, { LOG_LEVEL: 'warn', ...env }, await findFreePort());
  running.push(started);
  return started;
}

async function expectReady(app: StandaloneAppProcess): Promise<void> {
  const answer = await eventually(
    async () => {
      const response = await fetch(`${app.opsUrl}/readyz`);
      return response.status === 200 && response.status;
    },
    60_000,
    '/readyz answering 200',
  ).catch((error: Error) => new Error(`${error.message}\n--- output ---\n${app.output()}`));
  if (answer instanceof Error) throw answer;
  expect(answer).toBe(200);
}

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => resolve(socket.destroy() !== undefined));
    socket.once('error', () => resolve(false));
  });
}

describe.each(DEPLOYED_APPS.map((app) => [app.name, app] as const))('the standalone build of %s', (_name, app) => {
  it('lists exactly the packages its bundle loads, at the exact versions the workspace locks', () => {
    const packageJson = JSON.parse(readFileSync(join(app.distDir, 'package.json'), 'utf8')) as { main: string; dependencies: Record<string, string> };
    const loaded = packagesLoadedBy(join(app.distDir, BUNDLE_FILE));
    expect(packageJson.main).toBe(`./${BUNDLE_FILE}`);
    expect(loaded.length).toBeGreaterThan(0);
    expect(Object.keys(packageJson.dependencies).sort()).toEqual(loaded);
    for (const [name, version] of Object.entries(packageJson.dependencies)) {
      expect({ name, version }).toEqual({ name, version: workspaceLock.packages[`node_modules/${name}`]?.version });
    }
    const lock = JSON.parse(readFileSync(join(app.distDir, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dependencies?: Record<string, string> }> };
    expect(lock.packages['']?.dependencies).toEqual(packageJson.dependencies);
  });
});

describe('standalone builds run after installing only their production dependencies', () => {
  it('rest-gateway: healthy, ready, and acknowledges a POSTed event from the fronting Kafka', async () => {
    const topic = await kafka.createUniqueTopic('deploy-gateway', 1);
    const httpPort = await findFreePort();
    const gateway = await start(appNamed('rest-gateway'), {
      FRONTING_KAFKA_BROKERS: kafka.bootstrap,
      REDIS_URL: redis.url,
      HTTP_PORT: String(httpPort),
      HTTP_HOST: '127.0.0.1',
      // The Kafka path is what this checks; on a loaded machine a first send can exceed the 500 ms default and fail over.
      FRONTING_SEND_TIMEOUT_MS: '10000',
    });
    await expectReady(gateway);
    // /readyz can answer 200 a moment before the ingest listener is open (its checks are registered first).
    await eventually(() => connects(httpPort), 10_000, `the ingest port ${httpPort} accepting connections`);
    const response = await fetch(`http://127.0.0.1:${httpPort}/v1/topics/${topic}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'deploy-check-1', value: { page: '/standalone' } }),
    });
    const body = (await response.json()) as unknown;
    expect({ status: response.status, body, output: gateway.output() }).toEqual({ status: 200, body: { results: [expect.objectContaining({ id: 'deploy-check-1', status: 'kafka', partition: 0, offset: 0 })] }, output: expect.any(String) });
  });

  it('fronting-worker: healthy and ready, its consumer group joined on the fronting Kafka', async () => {
    const topic = await kafka.createUniqueTopic('deploy-worker', 1);
    await Promise.all([kafka.createTopic(`${topic}-mainstream`, 1), kafka.createTopic(`${topic}-dead-letter`, 1)]);
    const worker = await start(appNamed('fronting-worker'), {
      FRONTING_KAFKA_BROKERS: kafka.bootstrap,
      MAINSTREAM_KAFKA_BROKERS: kafka.bootstrap,
      REDIS_URL: redis.url,
      WORKER_TOPICS: topic,
      WORKER_TOPIC_MAP: `${topic}:${topic}-mainstream`,
      WORKER_GROUP_ID: `${topic}-group`,
      WORKER_DEAD_LETTER_TOPIC: `${topic}-dead-letter`,
      WORKER_SESSION_TIMEOUT_MS: '6000',
      WORKER_HEARTBEAT_INTERVAL_MS: '500',
    });
    await expectReady(worker);
  });

  it('archiver: healthy and ready with its example configuration, archives a record to the GCS emulator with the parquet-wasm worker', async () => {
    const topic = await kafka.createUniqueTopic('deploy-archiver', 1);
    const dir = await mkdtemp(join(tmpdir(), 'eventpath-deploy-archiver-'));
    scratch.push(dir);
    const example = parseYaml(readFileSync(join(REPO_ROOT, 'apps', 'archiver', 'example', 'archiver.dev.yaml'), 'utf8')) as Record<string, Record<string, unknown>>;
    const configFile = join(dir, 'archiver.yaml');
    await writeFile(
      configFile,
      JSON.stringify({
        ...example,
        archive: { ...example['archive'], workDirectory: join(dir, 'work') },
        schemas: { ...example['schemas'], sources: [{ name: 'example', location: join(REPO_ROOT, 'apps', 'archiver', 'example', 'proto') }] },
        defaults: { ...example['defaults'], groupId: `${topic}-group` },
        kafka: { ...example['kafka'], consumer: { ...(example['kafka']?.['consumer'] as object), sessionTimeout: '6s' } },
        // parquet-wasm encodes in a worker thread whose script must sit beside main.cjs.
        topics: [{ names: [topic], messageType: 'eventpath.example.PageViewed', timestamp: { field: 'event_time', whenMissing: 'kafka' }, writer: 'parquet-wasm' }],
      }),
    );
    const archiver = await start(appNamed('archiver'), {
      ARCHIVER_CONFIG: configFile,
      MAINSTREAM_KAFKA_BROKERS: kafka.bootstrap,
      ARCHIVE_URL: `gs://archive/${topic}`,
      GCS_API_ENDPOINT: gcs.url,
    });
    await expectReady(archiver);
    expect(existsSync(join(installed.get('archiver') as string, 'parquet-encoder-worker.cjs'))).toBe(true);
    const producer = new Kafka(kafka.clientConfig('deploy-check-producer')).producer(kafka.producerConfig());
    await producer.connect();
    // An empty value is a valid PageViewed (every field at its default); the record time stands in for event_time.
    await producer.send({ topic, acks: -1, messages: [{ value: Buffer.alloc(0), headers: { 'eventpath-event-id': 'deploy-check-archived' } }] });
    await producer.disconnect();
    const objects = await eventually(
      async () => {
        const listing = (await (await fetch(`${gcs.url}/storage/v1/b/archive/o?prefix=${encodeURIComponent(`${topic}/`)}`)).json()) as { items?: Array<{ name: string }> };
        const parquet = (listing.items ?? []).map((item) => item.name).filter((name) => name.endsWith('.parquet'));
        return parquet.length > 0 && parquet;
      },
      90_000,
      'a Parquet object in the emulator (the file closes after 5 s idle)',
    ).catch((error: Error) => new Error(`${error.message}\n--- output ---\n${archiver.output()}`));
    if (objects instanceof Error) throw objects;
    expect(objects[0]).toMatch(new RegExp(`^${topic}/.+\\.parquet$`));
  });
});
