import { startAppShell, type AppShell, type Logger } from '@eventpath/runtime';
import type { RestGatewayConfig } from './config';

export type RunningRestGateway = AppShell;

/**
 * Wires the rest-gateway from its configuration and starts it. For now it serves
 * only the operations endpoints; its event handling is wired in as it lands.
 */
export function createRestGateway(config: RestGatewayConfig, logger?: Logger): Promise<RunningRestGateway> {
  return startAppShell({ name: 'rest-gateway', opsPort: config.OPS_PORT, logLevel: config.LOG_LEVEL, logger });
}
