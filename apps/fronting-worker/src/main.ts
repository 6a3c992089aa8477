import { createLogger, loadConfig, runMain } from '@eventpath/runtime';
import { frontingWorkerConfigSchema } from './config';
import { createFrontingWorker } from './fronting-worker';

const logger = createLogger({ name: 'fronting-worker', level: process.env['LOG_LEVEL'] || 'info' });
void runMain(() => createFrontingWorker(loadConfig(frontingWorkerConfigSchema), logger), { logger });
