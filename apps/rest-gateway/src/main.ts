import { createLogger, loadConfig, runMain } from '@eventpath/runtime';
import { restGatewayConfigSchema } from './config';
import { createRestGateway } from './rest-gateway';

const logger = createLogger({ name: 'rest-gateway', level: process.env['LOG_LEVEL'] || 'info' });
void runMain(() => createRestGateway(loadConfig(restGatewayConfigSchema), logger), { logger });
