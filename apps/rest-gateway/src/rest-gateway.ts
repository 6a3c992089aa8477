import { createLogger, createMetricsRegistry, startHealthServer, type Logger, type RunningApp } from '@eventpath/runtime';
import type { RestGatewayConfig } from './config';

export interface RunningRestGateway extends RunningApp {
  opsUrl: string;
}

/**
 * Wires the rest-gateway from its configuration and starts it. For now it serves
 * only the operations endpoints; ingestion logic is wired in as the libs land.
 */
export async function createRestGateway(config: RestGatewayConfig, logger: Logger = createLogger({ name: 'rest-gateway', level: config.LOG_LEVEL })): Promise<RunningRestGateway> {
  const registry = createMetricsRegistry('rest-gateway');
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
