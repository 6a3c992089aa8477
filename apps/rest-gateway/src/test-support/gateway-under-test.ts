import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadRestGatewayConfig } from '../config';
import type { GatewayConfigFile } from '../gateway-config-file';
import { createRestGateway, type RunningRestGateway } from '../rest-gateway';

export interface GatewayUnderTestOptions {
  bootstrap: string;
  redisUrl: string;
  /** Written to a temp file and passed as GATEWAY_CONFIG. */
  file?: GatewayConfigFile;
  /** More environment variables (FRONTING_SEND_TIMEOUT_MS, ...). */
  env?: Record<string, string>;
}

/** The fixture schemas of the gateway tests (`rides.events.RideBooked`). */
export const FIXTURE_SCHEMAS = join(__dirname, 'fixtures');

/** Settings that make a test gateway notice a dead broker quickly; what operators would tune the same way. */
export const FAST_FAILURE_ENV = {
  FRONTING_KAFKA_CONNECTION_TIMEOUT_MS: '500',
  FRONTING_KAFKA_REQUEST_TIMEOUT_MS: '5000',
  FRONTING_KAFKA_RETRIES: '2',
  FRONTING_KAFKA_RETRY_INITIAL_MS: '100',
  FRONTING_KAFKA_RETRY_MAX_MS: '500',
  BREAKER_RESET_MS: '1000',
  TOPIC_REFRESH_MS: '2000',
};

/** A rest-gateway in this process, on free ports, through the same config loading as main. */
export async function startGatewayUnderTest(options: GatewayUnderTestOptions): Promise<RunningRestGateway> {
  return createRestGateway(loadRestGatewayConfig(gatewayEnv(options)));
}

/** The environment a gateway under test runs with (also for one in a child process). */
export function gatewayEnv(options: GatewayUnderTestOptions): Record<string, string> {
  const env: Record<string, string> = {
    LOG_LEVEL: process.env['GATEWAY_TEST_LOG_LEVEL'] ?? 'silent',
    HTTP_PORT: '0',
    HTTP_HOST: '127.0.0.1',
    OPS_PORT: '0',
    FRONTING_KAFKA_BROKERS: options.bootstrap,
    FRONTING_KAFKA_CLIENT_ID: 'rest-gateway-test',
    REDIS_URL: options.redisUrl,
    ...options.env,
  };
  if (options.file) {
    const path = join(mkdtempSync(join(tmpdir(), 'gateway-config-')), 'gateway.yaml');
    writeFileSync(path, stringify(options.file));
    env['GATEWAY_CONFIG'] = path;
  }
  return env;
}
