import { Command, Option } from 'commander';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { outageDrill, type StackKafkaKind } from './stack-kafka';
import { startDevStack } from './start-dev-stack';

const program = new Command()
  .name('dev-stack')
  .description('Starts the local infrastructure: fronting and mainstream Kafka, Redis, GCS emulator')
  .addOption(new Option('--kafka <kind>', 'Kafka for both clusters: the dev broker, or Apache Kafka (needs Java)').choices(['dev', 'apache']).default('dev'))
  .option('--topic <name:partitions>', 'topic created in both Kafka clusters (repeatable)', collect, [])
  .option('--data <dir>', 'data directory (Redis AOF, emulated bucket)', 'tmp/dev-stack')
  .option('--bucket <name>', 'bucket created in the GCS emulator', 'eventpath-archive')
  .option('--gcs-port <port>', 'GCS emulator port (0 = any free port)', '4443')
  .parse();

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

async function main(): Promise<void> {
  const opts = program.opts<{ topic: string[]; data: string; bucket: string; gcsPort: string; kafka: StackKafkaKind }>();
  const dataDir = resolve(opts.data);
  await mkdir(dataDir, { recursive: true });
  const stack = await startDevStack({
    topics: opts.topic.length > 0 ? opts.topic : ['events:8'],
    dataDir,
    bucket: opts.bucket,
    gcsPort: Number(opts.gcsPort),
    kafka: opts.kafka,
  });
  const lines = [
    'Local infrastructure is up. Point the apps at it with these variables:',
    ...Object.entries(stack.env).map(([key, value]) => `  export ${key}=${value}`),
    '',
    `Kafka:                    ${opts.kafka === 'apache' ? 'Apache Kafka (one KRaft node per cluster)' : 'dev broker (librdkafka mock cluster; --kafka apache for Apache Kafka)'}`,
    outageDrill('Fronting', stack.fronting),
    outageDrill('Mainstream', stack.mainstream),
    `Inspect with kcat:        kcat -b ${stack.fronting.bootstrap} -L`,
    `Data directory:           ${dataDir}`,
    '',
    'The apps are not started by this command yet: the gateway, worker and archiver',
    'only serve their operations endpoints until their capabilities land.',
    'Press Ctrl-C to stop.',
  ];
  console.log(lines.join('\n'));
  console.log(JSON.stringify({ ready: true, ...stack.env }));
  const stop = () => {
    void stack.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
