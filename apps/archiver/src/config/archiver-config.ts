import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError, loadConfig, type ConfigProblem } from '@eventpath/runtime';
import { kafkaClientSettings, kafkaConfigSchema, type KafkaClientSettings } from '@eventpath/queues';
import { schemaSourceFromLocation, type SchemaSourceConfig } from '@eventpath/schemas';
import { DEFAULT_PARQUET_WRITER_IMPLEMENTATION, PARQUET_COMPRESSIONS } from '@eventpath/storage';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { configFileSchema, type ConfigFile, type TopicSettingsInput } from './config-file-schema';

/** Every overridable topic setting, filled in from the entry, then `defaults`, then these. */
export const BUILT_IN_TOPIC_DEFAULTS = {
  groupId: 'eventpath-archiver',
  timestamp: 'kafka' as const,
  partitionPattern: "'dt='yyyy-MM-dd/'hr='HH",
  timeZone: 'UTC',
  window: 3_600_000,
  grace: 600_000,
  lateEvents: 'write' as const,
  maxFileSize: 128 * 1024 * 1024,
  compression: 'SNAPPY' as const,
  metadataColumns: true,
  eventIdHeader: 'eventpath-event-id',
  idleClose: 300_000,
  writer: DEFAULT_PARQUET_WRITER_IMPLEMENTATION,
};

export type TopicSettingsValues = Required<Omit<TopicSettingsInput, 'messageType' | 'maxFileAge'>> & { messageType: string; maxFileAge: number };

/** One `topics[i]` entry with every setting resolved. */
export interface TopicRule {
  /** `topics[i]`, for error messages. */
  path: string;
  names?: string[];
  pattern?: RegExp;
  settings: TopicSettingsValues;
}

export interface ArchiverConfig {
  logLevel: ConfigFile['logLevel'];
  opsPort: number;
  kafka: KafkaClientSettings;
  consumer: ConfigFile['kafka']['consumer'] & { maxBytes: number; maxBytesPerPartition: number };
  archive: {
    url: string;
    gcsApiEndpoint?: string;
    gcsProjectId?: string;
    gcsKeyFile?: string;
    workDirectory: string;
    uploadConcurrency: number;
    uploadAttempts: number;
    uploadDeadlineMs: number;
  };
  schemas: {
    sources: SchemaSourceConfig[];
    pollIntervalMs: number;
    push?: { redisUrl: string; channel?: string };
    onIncompatibleUpdate: 'reject' | 'accept';
  };
  deadLetters: { kind: 'store' } | { kind: 'kafka'; topic: string };
  budgets: { memoryBytes: number; readQueueBytes: number; openFiles: number };
  topics: TopicRule[];
}

const KAFKA_PREFIX = 'MAINSTREAM_';

/** File keys of `kafka:` and the environment variables they stand for (the env wins). */
const KAFKA_KEYS: Record<string, string> = {
  brokers: 'KAFKA_BROKERS',
  clientId: 'KAFKA_CLIENT_ID',
  ssl: 'KAFKA_SSL',
  sslCaFile: 'KAFKA_SSL_CA_FILE',
  sslCertFile: 'KAFKA_SSL_CERT_FILE',
  sslKeyFile: 'KAFKA_SSL_KEY_FILE',
  sslRejectUnauthorized: 'KAFKA_SSL_REJECT_UNAUTHORIZED',
  saslMechanism: 'KAFKA_SASL_MECHANISM',
  saslUsername: 'KAFKA_SASL_USERNAME',
  saslPassword: 'KAFKA_SASL_PASSWORD',
  connectionTimeout: 'KAFKA_CONNECTION_TIMEOUT_MS',
  requestTimeout: 'KAFKA_REQUEST_TIMEOUT_MS',
  retries: 'KAFKA_RETRIES',
  retryInitial: 'KAFKA_RETRY_INITIAL_MS',
  retryMax: 'KAFKA_RETRY_MAX_MS',
};

/**
 * Reads the file `ARCHIVER_CONFIG` names (YAML or JSON) and applies the
 * environment overrides. Throws ConfigError listing every wrong key by its
 * path in the file (`topics[1].timestamp.field`) or its variable name.
 */
export function loadArchiverConfig(env: NodeJS.ProcessEnv = process.env): ArchiverConfig {
  const path = env['ARCHIVER_CONFIG']?.trim();
  if (!path) throw new ConfigError([{ key: 'ARCHIVER_CONFIG', reason: 'must name the configuration file (YAML or JSON), e.g. apps/archiver/example/archiver.yaml' }]);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([{ key: 'ARCHIVER_CONFIG', reason: `cannot read ${path}: ${(error as Error).message}` }]);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text, { prettyErrors: true });
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? ` at line ${error.linePos[0].line}, column ${error.linePos[0].col}` : '';
    throw new ConfigError([{ key: path, reason: `not valid YAML or JSON${where}: ${(error as Error).message.split('\n')[0]}` }]);
  }
  return parseArchiverConfig(raw, { env, baseDirectory: dirname(resolve(path)) });
}

/**
 * Validates a configuration object (the parsed file) and applies the
 * environment overrides; relative paths are resolved against `baseDirectory`.
 */
export function parseArchiverConfig(raw: unknown, options: { env?: NodeJS.ProcessEnv; baseDirectory?: string } = {}): ArchiverConfig {
  const env = options.env ?? {};
  const base = options.baseDirectory ?? process.cwd();
  const parsed = configFileSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new ConfigError(zodProblems(parsed.error));
  const file = parsed.data;
  const problems: ConfigProblem[] = [];

  // Kafka: the file's values, overridden by MAINSTREAM_KAFKA_* from the environment.
  const kafkaEnv: Record<string, string> = {};
  for (const [fileKey, envKey] of Object.entries(KAFKA_KEYS)) {
    const value = (file.kafka as Record<string, unknown>)[fileKey];
    if (value !== undefined) kafkaEnv[KAFKA_PREFIX + envKey] = Array.isArray(value) ? value.join(',') : String(value);
  }
  for (const [key, value] of Object.entries(env)) if (key.startsWith(`${KAFKA_PREFIX}KAFKA_`) && value !== undefined && value.trim() !== '') kafkaEnv[key] = value;
  let kafka: KafkaClientSettings | undefined;
  try {
    kafka = kafkaClientSettings(loadConfig(kafkaConfigSchema(KAFKA_PREFIX), kafkaEnv), KAFKA_PREFIX);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) {
      const fileKey = Object.entries(KAFKA_KEYS).find(([, envKey]) => KAFKA_PREFIX + envKey === problem.key)?.[0];
      const fromEnv = env[problem.key] !== undefined && env[problem.key]?.trim() !== '';
      problems.push({ key: fromEnv || !fileKey ? problem.key : `kafka.${fileKey} (or ${problem.key})`, reason: problem.reason });
    }
  }

  const url = nonEmpty(env['ARCHIVE_URL']) ?? file.archive.url;
  if (url === undefined) problems.push({ key: 'archive.url (or ARCHIVE_URL)', reason: 'required: gs://bucket/prefix or file:///dir' });
  else if (!/^(gs:\/\/[^/]+|file:\/\/\/)/.test(url)) problems.push({ key: env['ARCHIVE_URL'] ? 'ARCHIVE_URL' : 'archive.url', reason: `must be gs://bucket/prefix or file:///dir (got ${JSON.stringify(url)})` });
  const gcsApiEndpoint = nonEmpty(env['GCS_API_ENDPOINT']) ?? file.archive.gcsApiEndpoint;
  if (gcsApiEndpoint !== undefined && !/^https?:\/\/[^/]+/.test(gcsApiEndpoint)) problems.push({ key: 'GCS_API_ENDPOINT', reason: `must be an http(s) URL (got ${JSON.stringify(gcsApiEndpoint)})` });

  let opsPort = file.ops.port;
  const opsPortEnv = nonEmpty(env['OPS_PORT']);
  if (opsPortEnv !== undefined) {
    const port = Number(opsPortEnv);
    if (!/^\d+$/.test(opsPortEnv) || port > 65535) problems.push({ key: 'OPS_PORT', reason: `must be a port number (got ${JSON.stringify(opsPortEnv)})` });
    else opsPort = port;
  }
  let logLevel = file.logLevel;
  const logLevelEnv = nonEmpty(env['LOG_LEVEL']);
  if (logLevelEnv !== undefined) {
    const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
    if (!levels.includes(logLevelEnv)) problems.push({ key: 'LOG_LEVEL', reason: `must be one of ${levels.join(', ')} (got ${JSON.stringify(logLevelEnv)})` });
    else logLevel = logLevelEnv as ConfigFile['logLevel'];
  }

  const names = file.schemas.sources.map((s) => s.name);
  file.schemas.sources.forEach((source, i) => {
    if (names.indexOf(source.name) !== i) problems.push({ key: `schemas.sources[${i}].name`, reason: `${JSON.stringify(source.name)} is used by another source` });
  });
  const sources: SchemaSourceConfig[] = file.schemas.sources.map((source, i) => {
    const location = /^[a-z][a-z0-9+.-]*:\/\//i.test(source.location) || isAbsolute(source.location) ? source.location : resolve(base, source.location);
    try {
      const config = schemaSourceFromLocation(source.name, location);
      if (config.kind === 'descriptorSetHttp') return { ...config, ...(source.headers ? { headers: source.headers } : {}), ...(source.timeout ? { timeoutMs: source.timeout } : {}) };
      return config;
    } catch (error) {
      problems.push({ key: `schemas.sources[${i}].location`, reason: (error as Error).message });
      return { kind: 'protoDirectory', name: source.name, directory: location };
    }
  });

  const topics: TopicRule[] = file.topics.map((entry, i) => {
    const path = `topics[${i}]`;
    const pick = <K extends keyof TopicSettingsInput>(key: K) => entry[key] ?? file.defaults[key];
    const messageType = pick('messageType');
    if (messageType === undefined) problems.push({ key: `${path}.messageType`, reason: 'required (no defaults.messageType either)' });
    const window = pick('window') ?? BUILT_IN_TOPIC_DEFAULTS.window;
    const grace = pick('grace') ?? BUILT_IN_TOPIC_DEFAULTS.grace;
    const idleClose = pick('idleClose') ?? BUILT_IN_TOPIC_DEFAULTS.idleClose;
    const settings: TopicSettingsValues = {
      messageType: messageType ?? '',
      groupId: pick('groupId') ?? BUILT_IN_TOPIC_DEFAULTS.groupId,
      timestamp: pick('timestamp') ?? BUILT_IN_TOPIC_DEFAULTS.timestamp,
      partitionPattern: pick('partitionPattern') ?? BUILT_IN_TOPIC_DEFAULTS.partitionPattern,
      timeZone: pick('timeZone') ?? BUILT_IN_TOPIC_DEFAULTS.timeZone,
      window,
      grace,
      lateEvents: pick('lateEvents') ?? BUILT_IN_TOPIC_DEFAULTS.lateEvents,
      maxFileSize: pick('maxFileSize') ?? BUILT_IN_TOPIC_DEFAULTS.maxFileSize,
      compression: pick('compression') ?? BUILT_IN_TOPIC_DEFAULTS.compression,
      metadataColumns: pick('metadataColumns') ?? BUILT_IN_TOPIC_DEFAULTS.metadataColumns,
      eventIdHeader: pick('eventIdHeader') ?? BUILT_IN_TOPIC_DEFAULTS.eventIdHeader,
      idleClose,
      // A file of a live stream closes by its window; this bounds the rest (a file opened late in its window, a stream of late records).
      maxFileAge: pick('maxFileAge') ?? window + grace + idleClose,
      writer: pick('writer') ?? BUILT_IN_TOPIC_DEFAULTS.writer,
    };
    if (!PARQUET_COMPRESSIONS[settings.writer].includes(settings.compression)) {
      problems.push({ key: `${path}.compression`, reason: `${settings.writer} does not write ${settings.compression} (it writes ${PARQUET_COMPRESSIONS[settings.writer].join(', ')})` });
    }
    return { path, ...(entry.names ? { names: entry.names } : {}), ...(entry.pattern ? { pattern: new RegExp(entry.pattern) } : {}), settings };
  });

  const deadLetterTopic = 'kafkaTopic' in file.deadLetters ? file.deadLetters.kafkaTopic : undefined;
  topics.forEach((rule) => {
    if (deadLetterTopic !== undefined && rule.names?.includes(deadLetterTopic)) problems.push({ key: `${rule.path}.names`, reason: `lists the dead-letter topic ${deadLetterTopic}` });
  });
  const readQueueBytes = file.budgets.readQueue ?? Math.floor(file.budgets.memory / 8);
  if (readQueueBytes >= file.budgets.memory / 2) problems.push({ key: 'budgets.readQueue', reason: `must be less than half of budgets.memory (${file.budgets.memory} bytes)` });

  if (problems.length > 0 || kafka === undefined || url === undefined) throw new ConfigError(problems);
  // A fetch response stays in memory while any of its records waits, so fetches are sized to the read queue.
  const maxBytes = file.kafka.consumer.maxBytes ?? Math.min(10 * 1024 * 1024, readQueueBytes);
  const maxBytesPerPartition = file.kafka.consumer.maxBytesPerPartition ?? Math.min(1024 * 1024, maxBytes);
  return {
    logLevel,
    opsPort,
    kafka,
    consumer: { ...file.kafka.consumer, maxBytes, maxBytesPerPartition },
    archive: {
      url,
      ...(gcsApiEndpoint ? { gcsApiEndpoint } : {}),
      ...(file.archive.gcsProjectId ? { gcsProjectId: file.archive.gcsProjectId } : {}),
      ...(file.archive.gcsKeyFile ? { gcsKeyFile: resolve(base, file.archive.gcsKeyFile) } : {}),
      workDirectory: resolve(base, file.archive.workDirectory),
      uploadConcurrency: file.archive.uploadConcurrency,
      uploadAttempts: file.archive.uploadAttempts,
      uploadDeadlineMs: file.archive.uploadDeadline,
    },
    schemas: {
      sources,
      pollIntervalMs: file.schemas.pollInterval,
      ...(file.schemas.push ? { push: file.schemas.push } : {}),
      onIncompatibleUpdate: file.schemas.onIncompatibleUpdate,
    },
    deadLetters: 'kafkaTopic' in file.deadLetters ? { kind: 'kafka', topic: file.deadLetters.kafkaTopic } : { kind: 'store' },
    budgets: { memoryBytes: file.budgets.memory, readQueueBytes, openFiles: file.budgets.openFiles },
    topics,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** zod issues as problems keyed by their path in the file: `topics[1].timestamp.field`. */
function zodProblems(error: z.ZodError): ConfigProblem[] {
  return error.issues.map((issue) => {
    let key = '';
    for (const part of issue.path) key += typeof part === 'number' ? `[${part}]` : `${key ? '.' : ''}${String(part)}`;
    if (issue.code === 'unrecognized_keys') {
      return { key: issue.keys.map((k) => (key ? `${key}.${k}` : k)).join(', '), reason: 'unknown key' };
    }
    let reason = issue.message;
    if (issue.code === 'invalid_type' && issue.input === undefined) reason = 'required';
    return { key: key || '(top level)', reason };
  });
}
