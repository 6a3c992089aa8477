import { Command, Option } from 'commander';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { repositoryRoot } from '../apache-kafka/kafka-classpath';
import { loadSampleEncoder } from '../load/sample-schema';
import { demoGuide } from './demo-guide';
import { processesAlive } from './process-check';
import { outageDrill, type StackKafkaKind } from './stack-kafka';
import { startDevPipeline, type ArchiveTarget, type DevPipeline } from './start-dev-pipeline';
import { externalInfrastructureFromEnv, startDevStack, type DevStack } from './start-dev-stack';

const program = new Command()
  .name('dev-stack')
  .description(
    'Starts the whole pipeline on this machine: fronting and mainstream Kafka, Redis and the GCS emulator (each unless ' +
      'FRONTING_KAFKA_BROKERS, MAINSTREAM_KAFKA_BROKERS, REDIS_URL or GCS_API_ENDPOINT names one to use), then the rest-gateway, ' +
      'the fronting-worker and the archiver',
  )
  .addOption(new Option('--kafka <kind>', 'Kafka for both clusters: the dev broker, or Apache Kafka (needs Java)').choices(['dev', 'apache']).default('dev'))
  .addOption(new Option('--archive <target>', 'where the archiver writes: a local directory (<data>/archive) or the GCS emulator').choices(['local', 'gcs']).default('local'))
  .option('--topic <name:partitions>', 'another topic created in both Kafka clusters and accepted by the gateway (repeatable)', collect, [])
  .option('--data <dir>', 'data directory (Redis AOF, emulated bucket, app configs, local archive)', 'tmp/dev-stack')
  .option('--bucket <name>', 'bucket created in the GCS emulator', 'eventpath-archive')
  .option('--gcs-port <port>', 'GCS emulator port (0 = any free port)', '4443')
  .option('--gateway-port <port>', 'the gateway\'s HTTP port (0 = any free port)', '8082')
  .option('--gateway-host <address>', 'address the gateway listens on', '127.0.0.1')
  .option('--ready-timeout <seconds>', 'how long to wait for every app\'s /readyz', '120')
  .option('--no-apps', 'start the infrastructure only and print its variables')
  .parse();

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

interface CliOptions {
  kafka: StackKafkaKind;
  archive: ArchiveTarget;
  topic: string[];
  data: string;
  bucket: string;
  gcsPort: string;
  gatewayPort: string;
  gatewayHost: string;
  readyTimeout: string;
  apps: boolean;
}

const kafkaLabel = (kind: StackKafkaKind) => (kind === 'apache' ? 'Apache Kafka (one KRaft node per cluster)' : 'the dev broker (librdkafka mock cluster; --kafka apache for Apache Kafka)');

let stopping: Promise<void> | undefined;
let appGroups: () => number[] = () => [];
// What stops everything started so far; known once the start is over (a signal during the start waits for it).
let setStopAll: (stop: () => Promise<void>) => void = () => undefined;
const stopAll = new Promise<() => Promise<void>>((resolve) => (setStopAll = resolve));

/** The first signal stops everything in order; a second one kills the apps at once and quits. */
function onSignal(signal: NodeJS.Signals): void {
  if (stopping) {
    console.log(`\n${signal} again: killing the apps`);
    for (const pid of appGroups()) killGroup(pid);
    process.exit(130);
  }
  console.log(`\n${signal}: stopping the apps, then the infrastructure (${signal} again to kill at once)`);
  stopping = stopAll.then((stop) => stop()).then(() => process.exit(0));
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // gone already
  }
}

async function runInfrastructureOnly(opts: CliOptions, dataDir: string): Promise<DevStack> {
  const stack = await startDevStack({
    topics: opts.topic.length > 0 ? opts.topic : ['events:8'],
    dataDir,
    bucket: opts.bucket,
    gcsPort: Number(opts.gcsPort),
    kafka: opts.kafka,
    external: externalInfrastructureFromEnv(),
  });
  console.log(
    [
      'Local infrastructure is up (--no-apps). Point the apps at it with these variables:',
      ...Object.entries(stack.env).map(([key, value]) => `  export ${key}=${value}`),
      '',
      `Kafka:                    ${kafkaLabel(opts.kafka)}`,
      outageDrill('Fronting', stack.fronting),
      outageDrill('Mainstream', stack.mainstream),
      `Data directory:           ${dataDir}`,
      'Press Ctrl-C to stop.',
    ].join('\n'),
  );
  console.log(JSON.stringify({ ready: true, ...stack.env }));
  return stack;
}

async function main(): Promise<void> {
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const opts = program.opts<CliOptions>();
  const dataDir = resolve(opts.data);
  await mkdir(dataDir, { recursive: true });
  if (!opts.apps) {
    const stack = await runInfrastructureOnly(opts, dataDir);
    setStopAll(() => stack.stop());
    return;
  }
  const repoRoot = repositoryRoot();
  const encoder = loadSampleEncoder();
  const giveUp = (name: string) => {
    console.log(`\n!!! ${name} keeps dying: stopping the dev stack (exit code 1)`);
    stopping ??= stopAll.then((stop) => stop()).then(() => process.exit(1));
  };
  const running: DevPipeline = await startDevPipeline({
    repoRoot,
    dataDir,
    kafka: opts.kafka,
    extraTopics: opts.topic,
    archive: opts.archive,
    bucket: opts.bucket,
    gcsPort: Number(opts.gcsPort),
    gatewayPort: Number(opts.gatewayPort),
    gatewayHost: opts.gatewayHost,
    external: externalInfrastructureFromEnv(),
    write: (line) => console.log(line),
    onGiveUp: giveUp,
  });
  appGroups = () => running.apps.flatMap(({ app }) => app.pids);
  setStopAll(async () => {
    await running.stop();
    const left = processesAlive(appGroups());
    console.log(left.length === 0 ? 'Stopped: every app process and the infrastructure are down.' : `!!! still running after the stop: pids ${left.join(', ')}`);
  });
  if (stopping) return;
  console.log(`Infrastructure up; waiting for the apps' /readyz (up to ${opts.readyTimeout} s) ...`);
  await running.waitUntilReady(Number(opts.readyTimeout) * 1000);
  if (stopping) return;
  console.log(demoGuide(running, { repoRoot, kafkaLabel: kafkaLabel(opts.kafka), encoder }));
  console.log(
    JSON.stringify({
      ready: running.apps.every(({ readiness }) => readiness.ready),
      ...running.stack.env,
      ARCHIVE_URL: running.archiveUrl,
      GATEWAY_URL: running.gatewayUrl,
      archiveDir: running.archiveDir,
      apps: Object.fromEntries(running.apps.map(({ app, opsUrl }) => [app.name, { pid: app.pid(), opsUrl }])),
    }),
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
