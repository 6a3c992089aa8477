import { configFields, loadConfig, type EnvSource } from '@eventpath/runtime';
import { z } from 'zod';

/** SASL mechanisms kafkajs supports with a username and password. */
export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

const fields = {
  /** Comma-separated `host:port` list. Required. */
  KAFKA_BROKERS: configFields.list(),
  KAFKA_CLIENT_ID: z.string().min(1).default('eventpath'),
  KAFKA_SSL: configFields.bool().default(false),
  /** PEM file of the CA that signed the brokers' certificates; the system CAs when unset. */
  KAFKA_SSL_CA_FILE: z.string().min(1).optional(),
  /** PEM client certificate and key, for brokers that authenticate clients by TLS. */
  KAFKA_SSL_CERT_FILE: z.string().min(1).optional(),
  KAFKA_SSL_KEY_FILE: z.string().min(1).optional(),
  KAFKA_SSL_REJECT_UNAUTHORIZED: configFields.bool().default(true),
  KAFKA_SASL_MECHANISM: z.enum(SASL_MECHANISMS, { error: `must be one of ${SASL_MECHANISMS.join(', ')}` }).optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
  KAFKA_CONNECTION_TIMEOUT_MS: configFields.positiveInt().default(1000),
  KAFKA_REQUEST_TIMEOUT_MS: configFields.positiveInt().default(30_000),
  /** Retries of a failed request (kafkajs retry policy, exponential backoff with jitter). */
  KAFKA_RETRIES: z.coerce.number({ error: 'must be a number' }).int('must be an integer').min(0, 'must be >= 0').default(5),
  KAFKA_RETRY_INITIAL_MS: configFields.positiveInt().default(300),
  KAFKA_RETRY_MAX_MS: configFields.positiveInt().default(30_000),
};

type KafkaFields = typeof fields;
type Prefixed<P extends string> = { [K in keyof KafkaFields as `${P}${K & string}`]: KafkaFields[K] };

/** The schema of one Kafka cluster's environment variables, every key starting with `prefix`. */
export type KafkaConfigSchema<P extends string> = z.ZodObject<Prefixed<P>>;
/** Parsed environment of one Kafka cluster. */
export type KafkaEnvConfig<P extends string> = z.infer<KafkaConfigSchema<P>>;

/** Connection settings of one Kafka cluster, free of environment-variable names. */
export interface KafkaClientSettings {
  brokers: string[];
  clientId: string;
  ssl?: { caFile?: string; certFile?: string; keyFile?: string; rejectUnauthorized: boolean };
  sasl?: { mechanism: SaslMechanism; username: string; password: string };
  connectionTimeoutMs: number;
  requestTimeoutMs: number;
  retry: { retries: number; initialRetryTimeMs: number; maxRetryTimeMs: number };
}

/**
 * The environment variables of one Kafka cluster as a zod object, keys
 * prefixed so one app can talk to several clusters: `kafkaConfigSchema('FRONTING_')`
 * reads `FRONTING_KAFKA_BROKERS`, `FRONTING_KAFKA_SASL_MECHANISM`, ...
 * Cross-key rules (SASL needs a username and password; TLS files need
 * `KAFKA_SSL=true`; a client certificate needs its key) name the exact key
 * to fix. Use with `loadConfig` or {@link loadKafkaClientSettings}.
 */
export function kafkaConfigSchema<P extends string = ''>(prefix: P = '' as P): KafkaConfigSchema<P> {
  const shape = Object.fromEntries(Object.entries(fields).map(([key, field]) => [prefix + key, field]));
  const key = (name: keyof KafkaFields) => prefix + name;
  return z.object(shape).superRefine((config, ctx) => {
    const get = (name: keyof KafkaFields) => config[key(name)];
    const require = (name: keyof KafkaFields, because: keyof KafkaFields) => {
      if (get(name) === undefined) {
        ctx.addIssue({ code: 'custom', path: [key(name)], message: `is required when ${key(because)} is set` });
      }
    };
    if (get('KAFKA_SASL_MECHANISM') !== undefined) {
      require('KAFKA_SASL_USERNAME', 'KAFKA_SASL_MECHANISM');
      require('KAFKA_SASL_PASSWORD', 'KAFKA_SASL_MECHANISM');
    }
    for (const file of ['KAFKA_SSL_CA_FILE', 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE'] as const) {
      if (get(file) !== undefined && get('KAFKA_SSL') !== true) {
        ctx.addIssue({ code: 'custom', path: [key(file)], message: `needs ${key('KAFKA_SSL')}=true` });
      }
    }
    if (get('KAFKA_SSL_CERT_FILE') !== undefined) require('KAFKA_SSL_KEY_FILE', 'KAFKA_SSL_CERT_FILE');
    if (get('KAFKA_SSL_KEY_FILE') !== undefined) require('KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE');
    if ((get('KAFKA_RETRY_INITIAL_MS') as number) > (get('KAFKA_RETRY_MAX_MS') as number)) {
      ctx.addIssue({ code: 'custom', path: [key('KAFKA_RETRY_INITIAL_MS')], message: `must not exceed ${key('KAFKA_RETRY_MAX_MS')}` });
    }
  }) as unknown as KafkaConfigSchema<P>;
}

/** Turns a parsed environment (from {@link kafkaConfigSchema}) into connection settings. */
export function kafkaClientSettings<P extends string>(config: KafkaEnvConfig<P>, prefix: P): KafkaClientSettings {
  const values = config as Record<string, unknown>;
  const get = <T>(name: keyof KafkaFields) => values[prefix + name] as T;
  const mechanism = get<SaslMechanism | undefined>('KAFKA_SASL_MECHANISM');
  return {
    brokers: get<string[]>('KAFKA_BROKERS'),
    clientId: get<string>('KAFKA_CLIENT_ID'),
    ssl: get<boolean>('KAFKA_SSL')
      ? {
          caFile: get<string | undefined>('KAFKA_SSL_CA_FILE'),
          certFile: get<string | undefined>('KAFKA_SSL_CERT_FILE'),
          keyFile: get<string | undefined>('KAFKA_SSL_KEY_FILE'),
          rejectUnauthorized: get<boolean>('KAFKA_SSL_REJECT_UNAUTHORIZED'),
        }
      : undefined,
    sasl: mechanism
      ? { mechanism, username: get<string>('KAFKA_SASL_USERNAME'), password: get<string>('KAFKA_SASL_PASSWORD') }
      : undefined,
    connectionTimeoutMs: get<number>('KAFKA_CONNECTION_TIMEOUT_MS'),
    requestTimeoutMs: get<number>('KAFKA_REQUEST_TIMEOUT_MS'),
    retry: {
      retries: get<number>('KAFKA_RETRIES'),
      initialRetryTimeMs: get<number>('KAFKA_RETRY_INITIAL_MS'),
      maxRetryTimeMs: get<number>('KAFKA_RETRY_MAX_MS'),
    },
  };
}

/**
 * Reads one cluster's settings from the environment.
 * @throws ConfigError naming every wrong key (with its prefix) and why
 */
export function loadKafkaClientSettings<P extends string = ''>(prefix: P = '' as P, env: EnvSource = process.env): KafkaClientSettings {
  return kafkaClientSettings(loadConfig(kafkaConfigSchema(prefix), env), prefix);
}
