import { createLogger, createMetricsRegistry, startHealthServer, type Logger, type RunningApp } from '@eventpath/runtime';
import type { FrontingWorkerConfig } from './config';

export interface RunningFrontingWorker extends RunningApp {
  opsUrl: string;
}

/**
 * Wires the fronting-worker from its configuration and starts it. For now it serves
 * only the operations endpoints; ingestion logic is wired in as the libs land.
 */
export async function createFrontingWorker(config: FrontingWorkerConfig, logger: Logger = createLogger({ name: 'fronting-worker', level: config.LOG_LEVEL })): Promise<RunningFrontingWorker> {
  const registry = createMetricsRegistry('fronting-worker');
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
