import { createLogger, loadConfig, runMain } from '@eventpath/runtime';
import { restGatewayConfigSchema } from './config';
import { createRestGateway } from './rest-gateway';

// The level is applied once LOG_LEVEL has been validated, so a wrong value is
// reported as a config error like any other key.
const logger = createLogger({ name: 'rest-gateway' });
void runMain(async () => {
  const config = loadConfig(restGatewayConfigSchema);
  logger.level = config.LOG_LEVEL;
  return createRestGateway(config, logger);
}, { logger });
