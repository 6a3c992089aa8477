import { createLogger, runMain } from '@eventpath/runtime';
import { Command } from 'commander';
import { createArchiver } from './archiver';
import { AUDIT_EXIT, auditCommand } from './audit-command';
import { loadArchiverConfig } from './config';

// `archiver` (or `archiver run`) archives; `archiver audit --topic t ...` audits the archive.
const program = new Command('archiver').description('Kafka protobuf topics to time-partitioned Parquet in GCS or a local directory (Sakaar)');

program
  .command('run', { isDefault: true })
  .description('archive the topics of the file ARCHIVER_CONFIG names (environment overrides: MAINSTREAM_KAFKA_*, ARCHIVE_URL, GCS_API_ENDPOINT, OPS_PORT, LOG_LEVEL)')
  .action(async () => {
    // The level is applied once the configuration has been validated, so a wrong value is reported like any other key.
    const logger = createLogger({ name: 'archiver' });
    await runMain(async () => {
      const config = loadArchiverConfig();
      logger.level = config.logLevel;
      return createArchiver(config, logger);
    }, { logger });
  });

program.addCommand(
  auditCommand({ env: process.env, out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) }, (code) => {
    process.exitCode = code;
  })
    // Usage errors (a missing or malformed option) exit 2, as the audit's own usage errors do; 1 means a gap.
    .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : AUDIT_EXIT.usage)),
);

void program.parseAsync(process.argv);
