import { kafkaClientSettings, kafkaConfigSchema, type KafkaClientSettings } from '@eventpath/queues';
import { ConfigError, ConfigProblems, configFields, loadConfig, type EnvSource } from '@eventpath/runtime';
import { z } from 'zod';
import { loadGatewayConfigFile, type GatewayConfigFile } from './gateway-config-file';

const COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
const DURABILITIES = ['fsync-always', 'aof', 'unchecked'] as const;
const count = () => z.coerce.number({ error: 'must be a number' }).int('must be an integer').min(0, 'must be >= 0');

/**
 * Environment variables the rest-gateway reads; see README "Configuration".
 * The fronting cluster's `FRONTING_KAFKA_*` keys are libs/queues'
 * `kafkaConfigSchema('FRONTING_')`; topics, API keys and limits come from
 * the optional `GATEWAY_CONFIG` file.
 */
export const restGatewayEnvSchema = z
  .object({
    LOG_LEVEL: configFields.logLevel().default('info'),
    /** Port of the ingest API (the REST Proxy's port). */
    HTTP_PORT: configFields.port().default(8082),
    HTTP_HOST: z.string().min(1).default('0.0.0.0'),
    /** Port of the operations server: /healthz, /readyz, /metrics. */
    OPS_PORT: configFields.port().default(9401),
    /** TLS for deployments without an ingress: PEM certificate (chain) and key, both or neither. */
    TLS_CERT_FILE: z.string().min(1).optional(),
    TLS_KEY_FILE: z.string().min(1).optional(),
    /** Redis holding the failover streams. */
    REDIS_URL: configFields.url(),
    /** Optional YAML or JSON file of topics, schemas, API keys and limits. */
    GATEWAY_CONFIG: z.string().min(1).optional(),
    /** How long a send to the fronting Kafka may take before its events fail over. */
    FRONTING_SEND_TIMEOUT_MS: configFields.positiveInt().default(500),
    FRONTING_LINGER_MS: count().default(0),
    FRONTING_MAX_BATCH_BYTES: configFields.positiveInt().default(1024 * 1024),
    FRONTING_COMPRESSION: z.enum(COMPRESSIONS, { error: `must be one of ${COMPRESSIONS.join(', ')}` }).default('none'),
    /** How often the fronting topic list is read again. */
    TOPIC_REFRESH_MS: configFields.positiveInt().default(30_000),
    BREAKER_CONSECUTIVE_FAILURES: configFields.positiveInt().default(3),
    BREAKER_ERROR_PERCENTAGE: z.coerce.number({ error: 'must be a number' }).min(1, 'must be 1-100').max(100, 'must be 1-100').default(50),
    BREAKER_VOLUME_THRESHOLD: configFields.positiveInt().default(20),
    BREAKER_RESET_MS: configFields.positiveInt().default(2000),
    FAILOVER_MAX_ENTRIES_PER_STREAM: configFields.positiveInt().default(1_000_000),
    FAILOVER_MAX_BYTES_PER_STREAM: configFields.positiveInt().default(1024 * 1024 * 1024),
    /** What Redis's persistence must be before an event is acknowledged from the failover stream (libs/queues `durability`). */
    FAILOVER_REDIS_DURABILITY: z.enum(DURABILITIES, { error: `must be one of ${DURABILITIES.join(', ')}` }).default('fsync-always'),
    /** `Retry-After` of 503 answers. */
    RETRY_AFTER_SECONDS: configFields.positiveInt().default(2),
    /** Most event bytes in flight in one process; more is answered 503 at once. */
    MAX_IN_FLIGHT_BYTES: configFields.positiveInt().default(256 * 1024 * 1024),
    /** How long a SIGTERM waits for requests in flight before closing their connections. */
    SHUTDOWN_GRACE_MS: configFields.positiveInt().default(5000),
  })
  .superRefine((env, ctx) => {
    if ((env.TLS_CERT_FILE === undefined) !== (env.TLS_KEY_FILE === undefined)) {
      const missing = env.TLS_CERT_FILE === undefined ? 'TLS_CERT_FILE' : 'TLS_KEY_FILE';
      ctx.addIssue({ code: 'custom', path: [missing], message: `is required when ${missing === 'TLS_CERT_FILE' ? 'TLS_KEY_FILE' : 'TLS_CERT_FILE'} is set` });
    }
  });

export type RestGatewayEnv = z.infer<typeof restGatewayEnvSchema>;

/** The gateway's whole validated configuration. */
export interface RestGatewayConfig {
  env: RestGatewayEnv;
  /** The fronting cluster (`FRONTING_KAFKA_*`). */
  kafka: KafkaClientSettings;
  /** The `GATEWAY_CONFIG` file; empty (open gateway, every topic) without one. */
  file: GatewayConfigFile;
}

/**
 * Reads and validates everything; a wrong value anywhere is one
 * `ConfigError` naming every wrong key: environment variables by name,
 * keys of the `GATEWAY_CONFIG` file by their path in it.
 */
export function loadRestGatewayConfig(env: EnvSource = process.env): RestGatewayConfig {
  const collected = new ConfigProblems();
  const { problems } = collected;
  const attempt = <T>(load: () => T): T | undefined => collected.attempt(load);
  const gatewayEnv = attempt(() => loadConfig(restGatewayEnvSchema, env));
  const kafka = attempt(() => kafkaClientSettings(loadConfig(kafkaConfigSchema('FRONTING_'), env), 'FRONTING_'));
  const path = env['GATEWAY_CONFIG'] || undefined;
  const file = path === undefined ? {} : attempt(() => loadGatewayConfigFile(path));
  if (problems.length > 0 || !gatewayEnv || !kafka || !file) throw new ConfigError(problems);
  return { env: gatewayEnv, kafka, file };
}
