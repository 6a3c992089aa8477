import { createLogger, runMain } from '@eventpath/runtime';
import { loadFrontingWorkerConfig } from './config';
import { createFrontingWorker } from './fronting-worker';

// The level is applied once LOG_LEVEL has been validated, so a wrong value is
// reported as a config error like any other key.
const logger = createLogger({ name: 'fronting-worker' });
void runMain(async () => {
  const config = loadFrontingWorkerConfig();
  logger.level = config.env.LOG_LEVEL;
  return createFrontingWorker(config, logger);
}, { logger });
