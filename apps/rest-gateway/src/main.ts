import { createLogger, runMain } from '@eventpath/runtime';
import { loadRestGatewayConfig } from './config';
import { createRestGateway } from './rest-gateway';

// The level is applied once LOG_LEVEL has been validated, so a wrong value is
// reported as a config error like any other key.
const logger = createLogger({ name: 'rest-gateway' });
void runMain(async () => {
  const config = loadRestGatewayConfig();
  logger.level = config.env.LOG_LEVEL;
  return createRestGateway(config, logger);
}, { logger });
