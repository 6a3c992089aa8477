import { SAMPLE_PROTO_DIRECTORY, SAMPLE_TOPICS } from './sample-schema';

/** Where the apps of one chaos run find the infrastructure, and the ports they serve on. */
export interface PipelineAddresses {
  frontingBootstrap: string;
  mainstreamBootstrap: string;
  redisUrl: string;
  gcsUrl: string;
  bucket: string;
  /** Object name prefix of the archive in the bucket. */
  archivePrefix: string;
  gatewayHttpPort: number;
  gatewayOpsPort: number;
  workerOpsPort: number;
  archiverOpsPort: number;
  /** Temp dir of the run: config files, the archiver's work directory. */
  dir: string;
}

export const WORKER_GROUP_ID = 'e2e-fronting-worker';
export const ARCHIVER_GROUP_ID = 'e2e-archiver';
export const DEAD_LETTER_TOPIC = 'eventpath-dead-letter';

const LOG_LEVEL = process.env['EVENTPATH_E2E_LOG_LEVEL'] ?? 'info';

/**
 * Kafka client settings that make an app notice a dead broker within
 * seconds, as an operator would tune them on a cluster whose outages
 * should be short for the apps too.
 */
function fastKafkaEnv(prefix: 'FRONTING_' | 'MAINSTREAM_'): Record<string, string> {
  return {
    [`${prefix}KAFKA_CONNECTION_TIMEOUT_MS`]: '1000',
    [`${prefix}KAFKA_REQUEST_TIMEOUT_MS`]: '5000',
    [`${prefix}KAFKA_RETRY_INITIAL_MS`]: '100',
    [`${prefix}KAFKA_RETRY_MAX_MS`]: '1000',
  };
}

/** The gateway's `GATEWAY_CONFIG`: the sample topics with their message types (JSON events become protobuf). */
export function gatewayConfigFile(): Record<string, unknown> {
  return {
    topics: Object.fromEntries(SAMPLE_TOPICS.map((t) => [t.topic, { messageType: t.messageType }])),
    schemas: { sources: [{ name: 'sample', location: SAMPLE_PROTO_DIRECTORY }], pollIntervalMs: 0 },
  };
}

export function gatewayEnv(at: PipelineAddresses, configPath: string): Record<string, string> {
  return {
    LOG_LEVEL,
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: String(at.gatewayHttpPort),
    OPS_PORT: String(at.gatewayOpsPort),
    GATEWAY_CONFIG: configPath,
    FRONTING_KAFKA_BROKERS: at.frontingBootstrap,
    FRONTING_KAFKA_CLIENT_ID: 'e2e-rest-gateway',
    ...fastKafkaEnv('FRONTING_'),
    // A failed send fails over at once rather than retrying up to the send timeout (the gateway README's advice).
    FRONTING_KAFKA_RETRIES: '2',
    // Generous on a loaded 2-core machine: a slow acks=all send is not an outage.
    FRONTING_SEND_TIMEOUT_MS: '2000',
    BREAKER_RESET_MS: '1000',
    TOPIC_REFRESH_MS: '2000',
    REDIS_URL: at.redisUrl,
    FAILOVER_REDIS_DURABILITY: 'fsync-always',
    RETRY_AFTER_SECONDS: '1',
  };
}

export function workerEnv(at: PipelineAddresses): Record<string, string> {
  return {
    LOG_LEVEL,
    OPS_PORT: String(at.workerOpsPort),
    FRONTING_KAFKA_BROKERS: at.frontingBootstrap,
    FRONTING_KAFKA_CLIENT_ID: 'e2e-fronting-worker',
    MAINSTREAM_KAFKA_BROKERS: at.mainstreamBootstrap,
    MAINSTREAM_KAFKA_CLIENT_ID: 'e2e-fronting-worker',
    ...fastKafkaEnv('FRONTING_'),
    ...fastKafkaEnv('MAINSTREAM_'),
    REDIS_URL: at.redisUrl,
    WORKER_TOPICS: SAMPLE_TOPICS.map((t) => t.topic).join(','),
    WORKER_GROUP_ID: WORKER_GROUP_ID,
    WORKER_DEAD_LETTER_TOPIC: DEAD_LETTER_TOPIC,
    WORKER_SESSION_TIMEOUT_MS: '6000',
    WORKER_HEARTBEAT_INTERVAL_MS: '500',
    WORKER_COMMIT_INTERVAL_MS: '200',
    WORKER_LAG_INTERVAL_MS: '1000',
    WORKER_TOPIC_REFRESH_MS: '2000',
    WORKER_RETRY_INITIAL_MS: '100',
    WORKER_RETRY_MAX_MS: '1000',
    DRAIN_BLOCK_MS: '200',
    // Each incarnation has its own consumer name (host and pid); a killed one's pending entries are claimed after this.
    DRAIN_CLAIM_IDLE_MS: '5000',
  };
}

/** The archiver's configuration file: the sample topics into gs:// on the emulator, with windows of seconds so files close in time. */
export function archiverConfigFile(at: PipelineAddresses): Record<string, unknown> {
  return {
    logLevel: LOG_LEVEL,
    ops: { port: at.archiverOpsPort },
    kafka: {
      brokers: [at.mainstreamBootstrap],
      clientId: 'e2e-archiver',
      connectionTimeout: '1s',
      requestTimeout: '5s',
      retryInitial: '100ms',
      retryMax: '1s',
      consumer: { sessionTimeout: '6s', heartbeatInterval: '500ms', maxWaitTime: '200ms', commitInterval: '200ms', fromBeginning: true },
    },
    archive: {
      url: `gs://${at.bucket}/${at.archivePrefix}`,
      gcsApiEndpoint: at.gcsUrl,
      gcsProjectId: 'e2e',
      workDirectory: `${at.dir}/archiver-work`,
      uploadAttempts: 10,
      uploadDeadline: '30s',
    },
    schemas: { sources: [{ name: 'sample', location: SAMPLE_PROTO_DIRECTORY }], pollInterval: 0 },
    budgets: { memory: '64MiB' },
    defaults: {
      groupId: ARCHIVER_GROUP_ID,
      partitionPattern: "'dt='yyyy-MM-dd/'hr='HH/'min='mm/'sec='ss",
      window: '10s',
      grace: '2s',
      idleClose: '2s',
      maxFileAge: '20s',
      lateEvents: 'write',
    },
    topics: SAMPLE_TOPICS.map((t) => ({ names: [t.topic], messageType: t.messageType, timestamp: t.timestamp })),
  };
}
