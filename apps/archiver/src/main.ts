import { createLogger, loadConfig, runMain } from '@eventpath/runtime';
import { archiverConfigSchema } from './config';
import { createArchiver } from './archiver';

const logger = createLogger({ name: 'archiver', level: process.env['LOG_LEVEL'] || 'info' });
void runMain(() => createArchiver(loadConfig(archiverConfigSchema), logger), { logger });
