import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort, startApacheKafka, startGcsEmulator, startRedis, type ApacheKafka, type DevRedis, type GcsEmulator } from '@eventpath/dev-infra';
import { stringify } from 'yaml';
import { archiverConfigFile, DEAD_LETTER_TOPIC, gatewayConfigFile, gatewayEnv, workerEnv, type PipelineAddresses } from './app-configs';
import { SAMPLE_TOPICS } from './sample-schema';
import { SupervisedApp } from './supervised-app';

export const PARTITIONS = 4;

/** Everything one chaos run needs, each part on ports of its own: two Kafka clusters, Redis, the GCS emulator and the three apps. */
export interface PipelineStack {
  addresses: PipelineAddresses;
  fronting: ApacheKafka;
  mainstream: ApacheKafka;
  redis: DevRedis;
  gcs: GcsEmulator;
  gateway: SupervisedApp;
  worker: SupervisedApp;
  archiver: SupervisedApp;
  apps: SupervisedApp[];
  /** The archiver's configuration file (the audit reads its store settings from it). */
  archiverConfigPath: string;
  /** `http://127.0.0.1:<port>` of the gateway's ingest API. */
  gatewayUrl: string;
  /** Stops everything; the temp dir (logs, configs, the emulator's data) is removed unless `keep` or EVENTPATH_E2E_KEEP. */
  stop(options?: { keep?: boolean }): Promise<void>;
}

const BUCKET = 'eventpath-archive';
/** Start-up and restarts after a SIGKILL (log recovery) take far longer than the default allows when the shared machine is loaded. */
const KAFKA_READY_TIMEOUT_MS = 240_000;

/** Starts the infrastructure, then the apps (gateway, worker, archiver), and resolves once each answers `/healthz`. */
export async function startPipelineStack(): Promise<PipelineStack> {
  const dir = await mkdtemp(join(tmpdir(), 'eventpath-e2e-'));
  const topics = SAMPLE_TOPICS.map((t) => `${t.topic}:${PARTITIONS}:1`);
  const started: { stop(): Promise<void> }[] = [];
  const track = <T extends { stop(): Promise<void> }>(part: T): T => (started.push(part), part);
  const stopAll = async (options: { keep?: boolean } = {}) => {
    await Promise.allSettled(started.reverse().map((part) => part.stop()));
    if (options.keep || process.env['EVENTPATH_E2E_KEEP']) console.log(`pipeline chaos: kept ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  };
  try {
    const [fronting, mainstream, redis, gcs] = await Promise.all([
      startApacheKafka({ topics: [...topics, `${DEAD_LETTER_TOPIC}:1:1`], readyTimeoutMs: KAFKA_READY_TIMEOUT_MS }).then(track),
      startApacheKafka({ topics, readyTimeoutMs: KAFKA_READY_TIMEOUT_MS }).then(track),
      startRedis().then(track),
      startGcsEmulator({ buckets: [BUCKET], dataDir: join(dir, 'gcs') }).then(track),
    ]);
    const addresses: PipelineAddresses = {
      frontingBootstrap: fronting.bootstrap,
      mainstreamBootstrap: mainstream.bootstrap,
      redisUrl: redis.url,
      gcsUrl: gcs.url,
      bucket: BUCKET,
      archivePrefix: 'e2e',
      gatewayHttpPort: await findFreePort(),
      gatewayOpsPort: await findFreePort(),
      workerOpsPort: await findFreePort(),
      archiverOpsPort: await findFreePort(),
      dir,
    };
    const gatewayConfigPath = join(dir, 'gateway.yaml');
    const archiverConfigPath = join(dir, 'archiver.yaml');
    await writeFile(gatewayConfigPath, stringify(gatewayConfigFile()));
    await writeFile(archiverConfigPath, stringify(archiverConfigFile(addresses)));

    const gateway = track(new SupervisedApp({ name: 'gateway', main: 'apps/rest-gateway/src/main.ts', env: gatewayEnv(addresses, gatewayConfigPath), opsPort: addresses.gatewayOpsPort, logFile: join(dir, 'gateway.log') }));
    const worker = track(new SupervisedApp({ name: 'worker', main: 'apps/fronting-worker/src/main.ts', env: workerEnv(addresses), opsPort: addresses.workerOpsPort, logFile: join(dir, 'worker.log') }));
    const archiver = track(
      new SupervisedApp({ name: 'archiver', main: 'apps/archiver/src/main.ts', env: { ARCHIVER_CONFIG: archiverConfigPath }, opsPort: addresses.archiverOpsPort, logFile: join(dir, 'archiver.log') }),
    );
    // Settled, not raced: a failed start must not leave the others polling after the clean-up.
    const starts = await Promise.allSettled([gateway.start(), worker.start(), archiver.start()]);
    const failed = starts.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    return {
      addresses,
      fronting,
      mainstream,
      redis,
      gcs,
      gateway,
      worker,
      archiver,
      apps: [gateway, worker, archiver],
      archiverConfigPath,
      gatewayUrl: `http://127.0.0.1:${addresses.gatewayHttpPort}`,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll({ keep: true });
    throw error;
  }
}
