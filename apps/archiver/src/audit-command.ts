import { auditArchive, formatAuditReport, tailReaderFor, type AuditReport } from '@eventpath/archive';
import { createKafkaClient, kafkaClientSettings, kafkaConfigSchema } from '@eventpath/queues';
import { ConfigError, loadConfig } from '@eventpath/runtime';
import { openObjectStore } from '@eventpath/storage';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { logLevel } from 'kafkajs';
import { objectStoreOptions } from './archiver';
import { loadArchiverConfig } from './config';

/** Exit statuses of `archiver audit`. */
export const AUDIT_EXIT = { ok: 0, gap: 1, usage: 2 } as const;

export interface AuditCommandIo {
  env: NodeJS.ProcessEnv;
  out: (text: string) => void;
  err: (text: string) => void;
}

/** Defines `audit` on a commander program; the action's exit status goes to `setExitCode`. */
export function auditCommand(io: AuditCommandIo, setExitCode: (code: number) => void): Command {
  return new Command('audit')
    .description(
      "Report every Kafka offset of a topic that is missing from the archive or archived more than once, from the files' footers (never their data pages). Exits 1 on a gap.",
    )
    .requiredOption('--topic <topic>', 'the topic to audit')
    .option('--config <file>', 'archiver configuration file for Kafka, store and GCS settings (default: ARCHIVER_CONFIG, if set)')
    .option('--archive-url <url>', 'gs://bucket/prefix or file:///dir (default: ARCHIVE_URL, or the config file)')
    .option('--brokers <list>', 'Kafka bootstrap servers, host:port,... (default: MAINSTREAM_KAFKA_BROKERS, or the config file)')
    .option('--gcs-api-endpoint <url>', 'GCS JSON API endpoint (default: GCS_API_ENDPOINT)')
    .option('--partitions <list>', 'only these partitions, e.g. 0,3,7', list)
    .option('--from-offset <n>', 'first offset expected in every partition (default: the log start)', offset)
    .option('--to-offset <n>', 'offsets from here on are not expected (default: the high watermark)', offset)
    .option('--from-time <time>', 'first Kafka record time expected (RFC 3339)', time)
    .option('--to-time <time>', 'records from this Kafka time on are not expected (RFC 3339)', time)
    .option('--group <id>', "the archiver's consumer group: offsets it has not committed yet are not expected")
    .option('--dead-letter-topic <topic>', 'also count records dead-lettered to this Kafka topic')
    .option('--metadata <source>', 'footer (read each footer) or object (the object metadata the listing returns)', source, 'footer')
    .option('--concurrency <n>', 'footers read at once', positive, 32)
    .option('--fail-on-duplicates', 'exit 1 when an offset is archived more than once, too')
    .option('--json', 'print the report as JSON')
    .action(async (options: AuditOptions) => setExitCode(await runAudit(options, io)));
}

interface AuditOptions {
  topic: string;
  config?: string;
  archiveUrl?: string;
  brokers?: string;
  gcsApiEndpoint?: string;
  partitions?: number[];
  fromOffset?: number;
  toOffset?: number;
  fromTime?: Date;
  toTime?: Date;
  group?: string;
  deadLetterTopic?: string;
  metadata: 'footer' | 'object-metadata';
  concurrency: number;
  failOnDuplicates?: boolean;
  json?: boolean;
}

async function runAudit(options: AuditOptions, io: AuditCommandIo): Promise<number> {
  let report: AuditReport;
  try {
    const env: NodeJS.ProcessEnv = { ...io.env, ...(options.brokers ? { MAINSTREAM_KAFKA_BROKERS: options.brokers } : {}) };
    const configPath = options.config ?? env['ARCHIVER_CONFIG'];
    const fromFile = configPath ? loadArchiverConfig({ ...env, ARCHIVER_CONFIG: configPath, ...(options.archiveUrl ? { ARCHIVE_URL: options.archiveUrl } : {}) }) : undefined;
    const archiveUrl = options.archiveUrl ?? fromFile?.archive.url ?? env['ARCHIVE_URL'];
    if (!archiveUrl) throw new ConfigError([{ key: '--archive-url', reason: 'required (or ARCHIVE_URL, or a config file)' }]);
    const kafkaSettings = fromFile?.kafka ?? kafkaClientSettings(loadConfig(kafkaConfigSchema('MAINSTREAM_'), env), 'MAINSTREAM_');
    const gcsApiEndpoint = options.gcsApiEndpoint ?? env['GCS_API_ENDPOINT'] ?? fromFile?.archive.gcsApiEndpoint;
    const storeOptions = objectStoreOptions({
      archive: { ...(fromFile?.archive ?? { url: archiveUrl, workDirectory: '', uploadConcurrency: 1, uploadAttempts: 1, uploadDeadlineMs: 60_000 }), ...(gcsApiEndpoint ? { gcsApiEndpoint } : {}) },
    });
    const store = await openObjectStore(archiveUrl, storeOptions);
    const kafka = createKafkaClient(kafkaSettings, { logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      report = await auditArchive({
        store,
        topic: options.topic,
        admin,
        kafka,
        tailReader: tailReaderFor(store, { gcsStorageOptions: storeOptions.gcs?.storageOptions }),
        metadataSource: options.metadata,
        concurrency: options.concurrency,
        ...(options.partitions ? { partitions: options.partitions } : {}),
        ...(options.fromOffset !== undefined ? { fromOffset: options.fromOffset } : {}),
        ...(options.toOffset !== undefined ? { toOffset: options.toOffset } : {}),
        ...(options.fromTime ? { fromTime: options.fromTime } : {}),
        ...(options.toTime ? { toTime: options.toTime } : {}),
        ...(options.group ? { groupId: options.group } : {}),
        ...(options.deadLetterTopic ? { deadLetterTopic: options.deadLetterTopic } : {}),
      });
    } finally {
      await admin.disconnect();
    }
  } catch (error) {
    io.err(`audit failed: ${(error as Error).message}\n`);
    return AUDIT_EXIT.usage;
  }
  io.out(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatAuditReport(report));
  if (!report.ok) return AUDIT_EXIT.gap;
  if (options.failOnDuplicates && report.totals.duplicateRecords > 0) return AUDIT_EXIT.gap;
  return AUDIT_EXIT.ok;
}

/** Runs `audit` alone with these arguments (tests, and `npx tsx apps/archiver/src/main.ts audit ...`). */
export async function runAuditCommand(args: string[], io: AuditCommandIo): Promise<number> {
  let code: number = AUDIT_EXIT.ok;
  const command = auditCommand(io, (c) => (code = c))
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  try {
    await command.parseAsync(args, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? AUDIT_EXIT.ok : AUDIT_EXIT.usage;
    throw error;
  }
  return code;
}

function list(value: string): number[] {
  const items = value.split(',').map((v) => v.trim());
  if (items.some((v) => !/^\d+$/.test(v))) throw new InvalidArgumentError('expected partition numbers, e.g. 0,3,7');
  return items.map(Number);
}

function offset(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected an offset (a whole number)');
  return Number(value);
}

function positive(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('expected a whole number >= 1');
  return Number(value);
}

function time(value: string): Date {
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(date.getTime())) throw new InvalidArgumentError('expected an RFC 3339 time, e.g. 2024-05-01T13:00:00Z');
  return date;
}

function source(value: string): 'footer' | 'object-metadata' {
  if (value === 'footer') return 'footer';
  if (value === 'object' || value === 'object-metadata') return 'object-metadata';
  throw new InvalidArgumentError('expected footer or object');
}
