import { Command, InvalidArgumentError } from 'commander';
import { startGcsEmulator } from './start-gcs-emulator';

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('must be a port number');
  return port;
}

function parseTtl(value: string): number {
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 1) throw new InvalidArgumentError('must be a positive number of milliseconds');
  return ms;
}

const program = new Command()
  .name('gcs-emulator')
  .description('GCS JSON API emulator on local disk, for @google-cloud/storage with apiEndpoint')
  .option('--port <port>', 'port to listen on (0 picks a free one)', parsePort, 4443)
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--data <dir>', 'data directory (default: a temporary directory removed on exit)')
  .option('--bucket <name...>', 'buckets to create at start')
  .option('--session-ttl-ms <ms>', 'drop resumable upload sessions idle this long (default: one week)', parseTtl)
  .parse();

async function main(): Promise<void> {
  const options = program.opts<{
    port: number;
    host: string;
    data?: string;
    bucket?: string[];
    sessionTtlMs?: number;
  }>();
  const emulator = await startGcsEmulator({
    port: options.port,
    host: options.host,
    dataDir: options.data,
    buckets: options.bucket,
    uploadSessionTtlMs: options.sessionTtlMs,
  });
  // One JSON line on stdout tells a parent process the emulator is ready and where.
  process.stdout.write(`${JSON.stringify({ ready: true, url: emulator.url, dataDir: emulator.dataDir })}\n`);

  const shutdown = (): void => {
    emulator.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('gcs-emulator: stop failed', error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error('gcs-emulator: failed to start', error);
  process.exit(1);
});
