import { DatePattern, assertTimeZone } from '@eventpath/archive';
import { PARQUET_WRITER_IMPLEMENTATIONS, type ParquetCompression, type ParquetWriterImplementation } from '@eventpath/storage';
import { z } from 'zod';
import { byteSize, duration } from './units';

/** What can be set globally (`defaults`) and per topic entry (`topics[i]`). */
const topicSettingsShape = {
  /** Fully-qualified protobuf message type of the records' values. */
  messageType: z.string().min(1),
  /** Consumer group; topics with different groups are consumed by separate consumers. */
  groupId: z.string().min(1),
  /** `kafka` (the record timestamp) or `{ field, unit?, whenMissing? }`. */
  timestamp: z.union([
    z.literal('kafka'),
    z.strictObject({
      field: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/, 'must be a field path like event_time or meta.created_at'),
      unit: z.enum(['seconds', 'millis', 'micros', 'nanos']).optional(),
      whenMissing: z.enum(['dead-letter', 'kafka']).optional(),
    }),
  ]),
  partitionPattern: z.string().superRefine((value, ctx) => {
    try {
      DatePattern.parse(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
    }
  }),
  timeZone: z.string().superRefine((value, ctx) => {
    try {
      assertTimeZone(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
    }
  }),
  window: duration({ min: 1 }),
  grace: duration(),
  lateEvents: z.enum(['write', 'dead-letter']),
  maxFileSize: byteSize({ min: 4096 }),
  /** Any codec the chosen writer writes (libs/storage PARQUET_COMPRESSIONS); checked with the writer. */
  compression: z.enum(['SNAPPY', 'GZIP', 'ZSTD', 'UNCOMPRESSED'] as const satisfies readonly ParquetCompression[]),
  metadataColumns: z.boolean(),
  eventIdHeader: z.string().min(1),
  idleClose: duration({ min: 1 }),
  maxFileAge: duration({ min: 1000 }),
  /** libs/storage's Parquet writer implementation; default libs/storage's default (hyparquet-writer). */
  writer: z.enum(PARQUET_WRITER_IMPLEMENTATIONS as readonly [ParquetWriterImplementation, ...ParquetWriterImplementation[]]),
};

const optionalTopicSettings = Object.fromEntries(Object.entries(topicSettingsShape).map(([key, schema]) => [key, schema.optional()])) as {
  [K in keyof typeof topicSettingsShape]: z.ZodOptional<(typeof topicSettingsShape)[K]>;
};

const topicEntry = z
  .strictObject({
    /** Topic names this entry covers. */
    names: z.array(z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, 'must be a Kafka topic name')).min(1).optional(),
    /** A regular expression (JavaScript syntax, anchored by you) matched against the cluster's topics at start. */
    pattern: z
      .string()
      .superRefine((value, ctx) => {
        try {
          new RegExp(value);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: `is not a regular expression: ${(error as Error).message}` });
        }
      })
      .optional(),
    ...optionalTopicSettings,
  })
  .superRefine((entry, ctx) => {
    if ((entry.names === undefined) === (entry.pattern === undefined)) ctx.addIssue({ code: 'custom', message: 'needs exactly one of names or pattern' });
  });

const schemaSource = z.strictObject({
  /** Names the source in push messages, logs and metrics. */
  name: z.string().min(1),
  /**
   * A `.proto` directory, a descriptor set file, `http(s)://` (a Stencil-style server)
   * or `gs://` / `file://` (a descriptor set object). Relative paths are relative to the config file.
   */
  location: z.string().min(1),
  /** HTTP sources only: request headers. */
  headers: z.record(z.string(), z.string()).optional(),
  /** HTTP sources only. */
  timeout: duration({ min: 1 }).optional(),
});

const kafkaSection = z.strictObject({
  brokers: z.union([z.array(z.string().min(1)).min(1), z.string().min(1)]).optional(),
  clientId: z.string().min(1).optional(),
  ssl: z.boolean().optional(),
  sslCaFile: z.string().min(1).optional(),
  sslCertFile: z.string().min(1).optional(),
  sslKeyFile: z.string().min(1).optional(),
  sslRejectUnauthorized: z.boolean().optional(),
  saslMechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  saslUsername: z.string().min(1).optional(),
  saslPassword: z.string().min(1).optional(),
  connectionTimeout: duration({ min: 1 }).optional(),
  requestTimeout: duration({ min: 1 }).optional(),
  retries: z.number().int().min(0).optional(),
  retryInitial: duration({ min: 1 }).optional(),
  retryMax: duration({ min: 1 }).optional(),
  consumer: z
    .strictObject({
      sessionTimeout: duration({ min: 1000 }).default(30_000),
      heartbeatInterval: duration({ min: 100 }).default(3000),
      rebalanceTimeout: duration({ min: 1000 }).default(60_000),
      maxWaitTime: duration({ min: 1 }).default(500),
      /** Default: 1 MiB, or less so that a fetch fits the read queue's share of the memory budget. */
      maxBytesPerPartition: byteSize({ min: 1024 }).optional(),
      /** Default: 10 MiB, or the read queue's share of the memory budget if that is less. */
      maxBytes: byteSize({ min: 1024 }).optional(),
      /** Where a group with no committed offset starts: the oldest record (true, the default) or new records only. */
      fromBeginning: z.boolean().default(true),
      commitInterval: duration({ min: 10 }).default(1000),
    })
    .prefault({}),
});

/** The archiver's configuration file (YAML or JSON). */
export const configFileSchema = z.strictObject({
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ops: z.strictObject({ port: z.number().int().min(0).max(65535).default(9403) }).prefault({}),
  kafka: kafkaSection.prefault({}),
  archive: z
    .strictObject({
      /** `gs://bucket/prefix` or `file:///dir`; ARCHIVE_URL overrides. */
      url: z.string().min(1).optional(),
      /** GCS JSON API endpoint (emulator, private endpoint); GCS_API_ENDPOINT overrides. */
      gcsApiEndpoint: z.string().url().optional(),
      gcsProjectId: z.string().min(1).optional(),
      /** GCS service-account key file; default application-default credentials. */
      gcsKeyFile: z.string().min(1).optional(),
      /** Local directory for open files; purged at start. */
      workDirectory: z.string().min(1).default('/tmp/eventpath-archiver'),
      uploadConcurrency: z.number().int().min(1).max(64).default(4),
      /** Attempts of one upload before the archiver gives up and exits. */
      uploadAttempts: z.number().int().min(1).default(5),
      /** How long one GCS operation (all its retries) may take. */
      uploadDeadline: duration({ min: 1000 }).default(120_000),
    })
    .prefault({}),
  schemas: z.strictObject({
    sources: z.array(schemaSource).min(1),
    pollInterval: duration().default(30_000),
    push: z.strictObject({ redisUrl: z.string().url(), channel: z.string().min(1).optional() }).optional(),
    onIncompatibleUpdate: z.enum(['reject', 'accept']).default('reject'),
  }),
  deadLetters: z
    .union([z.strictObject({ store: z.strictObject({}).prefault({}) }), z.strictObject({ kafkaTopic: z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, 'must be a Kafka topic name') })])
    .default({ store: {} }),
  budgets: z
    .strictObject({
      /** Memory for buffered data (open files, uncommitted records, the read queue). */
      memory: byteSize({ min: 8 * 1024 * 1024 }).default(256 * 1024 * 1024),
      /** Part of the memory budget for Kafka batches waiting to be converted; default an eighth. */
      readQueue: byteSize({ min: 64 * 1024 }).optional(),
      /** Most Parquet files open at once. */
      openFiles: z.number().int().min(1).default(64),
    })
    .prefault({}),
  defaults: z.strictObject(optionalTopicSettings).prefault({}),
  topics: z.array(topicEntry).min(1),
});

export type ConfigFile = z.infer<typeof configFileSchema>;
export type TopicEntry = ConfigFile['topics'][number];
export type TopicSettingsInput = ConfigFile['defaults'];
