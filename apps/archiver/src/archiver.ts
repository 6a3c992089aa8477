import { startAppShell, type AppShell, type Logger } from '@eventpath/runtime';
import type { ArchiverConfig } from './config';

export type RunningArchiver = AppShell;

/**
 * Wires the archiver from its configuration and starts it. For now it serves
 * only the operations endpoints; its event handling is wired in as it lands.
 */
export function createArchiver(config: ArchiverConfig, logger?: Logger): Promise<RunningArchiver> {
  return startAppShell({ name: 'archiver', opsPort: config.OPS_PORT, logLevel: config.LOG_LEVEL, logger });
}
