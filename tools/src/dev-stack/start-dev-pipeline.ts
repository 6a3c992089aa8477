import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findFreePort } from '../redis';
import { waitUntilReady, type ReadinessState } from './app-readiness';
import { superviseApp, type RestartPolicy, type SupervisedApp } from './app-supervisor';
import { DEAD_LETTER_TOPIC, demoTopicSpecs, topicNameOf, writeDemoConfigs } from './demo-configs';
import { startDevStack, type DevStack, type ExternalInfrastructure } from './start-dev-stack';
import type { StackKafkaKind } from './stack-kafka';

/** Where the archiver writes: a local directory (default) or the GCS emulator's (or an external GCS's) bucket. */
export type ArchiveTarget = 'local' | 'gcs';

export interface DevPipelineOptions {
  /** The repository root: the apps' sources and the sample schema are found from it. */
  repoRoot: string;
  /** Redis's AOF, the emulated bucket, the app configs, the local archive. */
  dataDir: string;
  kafka: StackKafkaKind;
  /** Topics besides the demo's (`name:partitions`), created in both clusters and accepted by the gateway. */
  extraTopics: string[];
  archive: ArchiveTarget;
  bucket: string;
  gcsPort: number;
  /** The gateway's ingest port (0: a free one) and address. */
  gatewayPort: number;
  gatewayHost: string;
  external: ExternalInfrastructure;
  restartPolicy?: RestartPolicy;
  /** Log lines of the apps and of the supervisor. */
  write(line: string): void;
  /** An app kept dying: the pipeline is being stopped; `stop()` still resolves once everything is down. */
  onGiveUp(name: string): void;
}

export interface PipelineApp {
  app: SupervisedApp;
  opsUrl: string;
  readiness: ReadinessState;
}

export interface DevPipeline {
  stack: DevStack;
  gatewayUrl: string;
  /** ARCHIVE_URL the archiver writes to. */
  archiveUrl: string;
  /** The local archive directory, when archiving locally. */
  archiveDir?: string;
  apps: PipelineApp[];
  /** Every topic of the stack (`name:partitions`). */
  topics: string[];
  /** Polls every app's /readyz until all answer 200 or `timeoutMs` passed; `apps[i].readiness` holds the last answers. */
  waitUntilReady(timeoutMs: number): Promise<boolean>;
  stop(): Promise<void>;
}

const APPS = ['rest-gateway', 'fronting-worker', 'archiver'] as const;
const STOP_GRACE_MS = 12_000;

/**
 * The whole pipeline on this machine: the dev stack's infrastructure (or the
 * external parts named in `external`), then the three apps as child
 * processes with the sample schema, supervised. Resolves once they are
 * started; `waitUntilReady` waits for their /readyz.
 */
export async function startDevPipeline(options: DevPipelineOptions): Promise<DevPipeline> {
  const dataDir = resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });
  const topics = demoTopicSpecs(options.extraTopics);
  const kafkaIsOurs = !options.external.frontingBrokers && !options.external.mainstreamBrokers;
  const archiveDir = options.archive === 'local' ? join(dataDir, 'archive') : undefined;
  // Kafka started here begins empty, its offsets at 0 again: files of an earlier run would collide with this run's names.
  if (archiveDir && kafkaIsOurs) await rm(archiveDir, { recursive: true, force: true });
  if (archiveDir) await mkdir(archiveDir, { recursive: true });

  const stack = await startDevStack({ topics, dataDir, bucket: options.bucket, gcsPort: options.gcsPort, kafka: options.kafka, external: options.external });
  const apps: PipelineApp[] = [];
  const stop = async () => {
    // The Redis launcher does not hold the event loop open while redis-server shuts down: this does, so a
    // caller that exits once stop() resolves (or when nothing else is pending) leaves no redis-server behind.
    const keepAlive = setInterval(() => undefined, 1000);
    try {
      await Promise.allSettled(apps.map(({ app }) => app.stop(STOP_GRACE_MS)));
      await stack.stop();
    } finally {
      clearInterval(keepAlive);
    }
  };
  try {
    const topicNames = topics.map(topicNameOf);
    const configs = await writeDemoConfigs(options.repoRoot, dataDir, topicNames);
    const inherited = definedEnv();
    const gatewayPort = options.gatewayPort === 0 ? await findFreePort() : options.gatewayPort;
    const archiveUrl = archiveDir ? pathToFileURL(archiveDir).href : stack.env.ARCHIVE_URL;
    const opsPorts = { 'rest-gateway': await findFreePort(), 'fronting-worker': await findFreePort(), archiver: await findFreePort() };
    const envs: Record<(typeof APPS)[number], Record<string, string>> = {
      'rest-gateway': {
        FRONTING_KAFKA_RETRIES: '2',
        ...inherited,
        FRONTING_KAFKA_BROKERS: stack.env.FRONTING_KAFKA_BROKERS,
        REDIS_URL: stack.env.REDIS_URL,
        GATEWAY_CONFIG: configs.gateway,
        HTTP_PORT: String(gatewayPort),
        HTTP_HOST: options.gatewayHost,
        OPS_PORT: String(opsPorts['rest-gateway']),
      },
      'fronting-worker': {
        // The dev broker holds a rebalance for the session timeout (shared/reference/dev-kafka.md).
        WORKER_SESSION_TIMEOUT_MS: '6000',
        WORKER_HEARTBEAT_INTERVAL_MS: '600',
        WORKER_TOPIC_REFRESH_MS: '5000',
        ...inherited,
        FRONTING_KAFKA_BROKERS: stack.env.FRONTING_KAFKA_BROKERS,
        MAINSTREAM_KAFKA_BROKERS: stack.env.MAINSTREAM_KAFKA_BROKERS,
        REDIS_URL: stack.env.REDIS_URL,
        WORKER_TOPICS: topicNames.filter((name) => name !== DEAD_LETTER_TOPIC).join(','),
        OPS_PORT: String(opsPorts['fronting-worker']),
      },
      archiver: {
        ...inherited,
        ARCHIVER_CONFIG: configs.archiver,
        MAINSTREAM_KAFKA_BROKERS: stack.env.MAINSTREAM_KAFKA_BROKERS,
        ARCHIVE_URL: archiveUrl,
        GCS_API_ENDPOINT: stack.env.GCS_API_ENDPOINT,
        OPS_PORT: String(opsPorts.archiver),
      },
    };
    let gaveUp = false;
    const prefixWidth = Math.max(...APPS.map((name) => name.length));
    for (const name of APPS) {
      const app = superviseApp(
        { name, entry: `apps/${name}/src/main.ts`, cwd: options.repoRoot, env: envs[name] },
        {
          write: options.write,
          policy: options.restartPolicy,
          prefixWidth,
          onGiveUp: (who) => {
            if (gaveUp) return;
            gaveUp = true;
            options.onGiveUp(who);
          },
        },
      );
      apps.push({ app, opsUrl: `http://127.0.0.1:${opsPorts[name]}`, readiness: { ready: false, detail: 'not asked yet' } });
    }
    const ready = async (timeoutMs: number) => {
      await Promise.all(
        apps.map(async (entry) => {
          entry.readiness = await waitUntilReady(entry.opsUrl, timeoutMs);
        }),
      );
      return apps.every((entry) => entry.readiness.ready);
    };
    const gatewayHost = options.gatewayHost === '0.0.0.0' ? '127.0.0.1' : options.gatewayHost;
    return { stack, gatewayUrl: `http://${gatewayHost}:${gatewayPort}`, archiveUrl, archiveDir, apps, topics, waitUntilReady: ready, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The caller's environment without empty values, so a user's settings (LOG_LEVEL, FAILOVER_REDIS_DURABILITY, ...) reach the apps. */
function definedEnv(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''));
}


