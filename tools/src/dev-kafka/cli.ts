/**
 * Runs a dev Kafka cluster from the command line:
 *
 *   npx tsx tools/src/dev-kafka/cli.ts --brokers 1 --topic events:4 --control-port 0
 *
 * Prints one JSON line when the brokers accept connections, then passes each
 * line of stdin to the launcher as a command and prints its JSON reply
 * (commands: down, up, create, topics, watermarks, errors, rtt, quit; see
 * launcher.c). Stops the cluster when stdin ends or on SIGINT or SIGTERM.
 */
import { Command, InvalidArgumentError } from 'commander';
import { createInterface } from 'node:readline';
import { startDevKafka } from './start-dev-kafka';

interface CliOptions {
  brokers: number;
  topic: string[];
  controlPort?: number;
}

const integerIn = (min: number, max: number) => (value: string) => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
  }
  return number;
};

const options = new Command()
  .name('dev-kafka')
  .description("Dev Kafka cluster on librdkafka's mock cluster, controlled through stdin")
  .option('--brokers <count>', 'number of brokers', integerIn(1, 64), 1)
  .option('--topic <name:partitions>', 'create a topic at start (repeatable)', (spec: string, specs: string[]) => [...specs, spec], [])
  .option('--control-port <port>', 'also take commands on this TCP port of 127.0.0.1 (0: any free port)', integerIn(0, 65535))
  .parse()
  .opts<CliOptions>();

async function main(): Promise<void> {
  const kafka = await startDevKafka({
    brokers: options.brokers,
    topics: options.topic,
    controlPort: options.controlPort,
    onLog: (text) => process.stderr.write(text),
  });
  const print = (line: object): void => void process.stdout.write(`${JSON.stringify(line)}\n`);
  // Before the ready line: whoever reads it may signal at once, and a signal
  // without a handler kills this process before it can stop the launcher.
  process.once('SIGINT', () => void kafka.stop());
  process.once('SIGTERM', () => void kafka.stop());

  // One command at a time, so replies print in the order of the commands.
  let previous = Promise.resolve();
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on('line', (line) => {
    previous = previous.then(async () =>
      print(await kafka.command(line).catch((error: Error) => ({ ok: false, error: error.message }))),
    );
  });
  lines.on('close', () => void previous.then(() => kafka.stop()));

  print({ ready: true, bootstrap: kafka.bootstrap, brokers: kafka.brokerNodes, controlPort: kafka.controlPort });

  // Also reached when a `quit` command or a crash ended the launcher.
  const { code, signal, reason } = await kafka.exited;
  if (code !== 0) console.error(`dev Kafka launcher ended (code ${code}, signal ${signal})${reason ? `: ${reason}` : ''}`);
  process.exit(code === 0 ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
