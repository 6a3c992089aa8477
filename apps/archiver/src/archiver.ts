import { createLogger, createMetricsRegistry, startHealthServer, type Logger, type RunningApp } from '@eventpath/runtime';
import type { ArchiverConfig } from './config';

export interface RunningArchiver extends RunningApp {
  opsUrl: string;
}

/**
 * Wires the archiver from its configuration and starts it. For now it serves
 * only the operations endpoints; ingestion logic is wired in as the libs land.
 */
export async function createArchiver(config: ArchiverConfig, logger: Logger = createLogger({ name: 'archiver', level: config.LOG_LEVEL })): Promise<RunningArchiver> {
  const registry = createMetricsRegistry('archiver');
  const ops = await startHealthServer({ port: config.OPS_PORT, registry });
  logger.info({ opsPort: ops.port }, 'started');
  let stopped: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (stopped = resolve));
  return {
    opsUrl: ops.url,
    done,
    stop: async () => {
      await ops.close();
      stopped();
    },
  };
}
