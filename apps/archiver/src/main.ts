import { createLogger, loadConfig, runMain } from '@eventpath/runtime';
import { archiverConfigSchema } from './config';
import { createArchiver } from './archiver';

// The level is applied once LOG_LEVEL has been validated, so a wrong value is
// reported as a config error like any other key.
const logger = createLogger({ name: 'archiver' });
void runMain(async () => {
  const config = loadConfig(archiverConfigSchema);
  logger.level = config.LOG_LEVEL;
  return createArchiver(config, logger);
}, { logger });
