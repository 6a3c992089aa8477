/**
 * Runs an Apache Kafka cluster (KRaft) from the command line:
 *
 *   npx tsx tools/src/apache-kafka/cli.ts --brokers 3 --topic events:8:3
 *
 * Prints one JSON line when every node serves metadata, then runs each line
 * of stdin as a command and prints a JSON reply (kill, restart, pause,
 * resume, create, describe, nodes, quit). Stops the cluster when stdin ends
 * or on SIGINT or SIGTERM.
 */
import { Command, InvalidArgumentError } from 'commander';
import { createInterface } from 'node:readline';
import { runCliCommand } from './cli-commands';
import { startApacheKafka } from './start-apache-kafka';

interface CliOptions {
  brokers: number;
  topic: string[];
  config: string[];
  kafkaVersion?: string;
  data?: string;
}

const brokerCount = (value: string): number => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > 9) throw new InvalidArgumentError('expected an integer from 1 to 9');
  return number;
};
const collect = (value: string, previous: string[]): string[] => [...previous, value];

const options = new Command()
  .name('apache-kafka')
  .description('Apache Kafka cluster (KRaft, combined nodes) for local runs, controlled through stdin')
  .option('--brokers <count>', 'number of nodes', brokerCount, 1)
  .option('--topic <name:partitions[:replication]>', 'create a topic at start (repeatable)', collect, [])
  .option('--config <key=value>', 'broker setting for every node (repeatable)', collect, [])
  .option('--kafka-version <version>', 'Kafka release (default: the pinned one; fetch others with tools/setup/fetch-apache-kafka.sh)')
  .option('--data <dir>', 'keep config, logs and data here (default: a temp dir removed at exit)')
  .parse()
  .opts<CliOptions>();

function parseConfig(entries: string[]): Record<string, string> {
  return Object.fromEntries(
    entries.map((entry) => {
      const at = entry.indexOf('=');
      if (at < 1) throw new InvalidArgumentError(`--config expects key=value, got ${JSON.stringify(entry)}`);
      return [entry.slice(0, at), entry.slice(at + 1)];
    }),
  );
}

async function main(): Promise<void> {
  const cluster = await startApacheKafka({
    brokers: options.brokers,
    topics: options.topic,
    config: parseConfig(options.config),
    version: options.kafkaVersion,
    dir: options.data,
  });
  const print = (line: object): void => void process.stdout.write(`${JSON.stringify(line)}\n`);
  const stop = () => void cluster.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  let previous = Promise.resolve();
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on('line', (line) => {
    previous = previous.then(async () => {
      const reply = await runCliCommand(cluster, line);
      if (reply === 'quit') stop();
      else print(reply);
    });
  });
  lines.on('close', () => void previous.then(stop));

  print({ ready: true, version: cluster.version, bootstrap: cluster.bootstrap, nodes: cluster.nodes(), dir: cluster.dir });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
