import { startAppShell, type AppShell, type Logger } from '@eventpath/runtime';
import type { FrontingWorkerConfig } from './config';

export type RunningFrontingWorker = AppShell;

/**
 * Wires the fronting-worker from its configuration and starts it. For now it serves
 * only the operations endpoints; its event handling is wired in as it lands.
 */
export function createFrontingWorker(config: FrontingWorkerConfig, logger?: Logger): Promise<RunningFrontingWorker> {
  return startAppShell({ name: 'fronting-worker', opsPort: config.OPS_PORT, logLevel: config.LOG_LEVEL, logger });
}
