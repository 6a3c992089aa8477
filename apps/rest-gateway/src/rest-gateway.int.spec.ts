import { ConfigError, loadConfig } from '@eventpath/runtime';
import { restGatewayConfigSchema } from './config';
import { createRestGateway } from './rest-gateway';

describe('rest-gateway start-up', () => {
  it('starts from configuration and serves its operations endpoints', async () => {
    const app = await createRestGateway(loadConfig(restGatewayConfigSchema, { OPS_PORT: '0', LOG_LEVEL: 'silent' }));
    try {
      expect((await fetch(`${app.opsUrl}/healthz`)).status).toBe(200);
      expect(await (await fetch(`${app.opsUrl}/metrics`)).text()).toContain('app="rest-gateway"');
    } finally {
      await app.stop();
    }
    await expect(app.done).resolves.toBeUndefined();
  });

  it('refuses a wrong config key with a message naming it', () => {
    expect(() => loadConfig(restGatewayConfigSchema, { OPS_PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig(restGatewayConfigSchema, { OPS_PORT: 'eighty' })).toThrow(/OPS_PORT/);
  });
});
