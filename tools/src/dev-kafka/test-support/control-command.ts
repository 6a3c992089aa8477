/**
 * Sends dev Kafka commands over a launcher's control port from a separate
 * process, one JSON reply per line on stdout:
 *
 *   node --import tsx control-command.ts <port> 'down 1' 'topics'
 */
import { connectDevKafkaControl } from '../control-client';

async function main(): Promise<void> {
  const [port, ...commands] = process.argv.slice(2);
  const control = await connectDevKafkaControl(Number(port));
  for (const command of commands) {
    process.stdout.write(`${JSON.stringify(await control.command(command))}\n`);
  }
  await control.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
