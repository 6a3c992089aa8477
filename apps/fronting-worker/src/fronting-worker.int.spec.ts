import { ConfigError, loadConfig } from '@eventpath/runtime';
import { frontingWorkerConfigSchema } from './config';
import { createFrontingWorker } from './fronting-worker';

describe('fronting-worker start-up', () => {
  it('starts from configuration and serves its operations endpoints', async () => {
    const app = await createFrontingWorker(loadConfig(frontingWorkerConfigSchema, { OPS_PORT: '0', LOG_LEVEL: 'silent' }));
    try {
      expect((await fetch(`${app.opsUrl}/healthz`)).status).toBe(200);
      expect(await (await fetch(`${app.opsUrl}/metrics`)).text()).toContain('app="fronting-worker"');
    } finally {
      await app.stop();
    }
    await expect(app.done).resolves.toBeUndefined();
  });

  it('refuses a wrong config key with a message naming it', () => {
    expect(() => loadConfig(frontingWorkerConfigSchema, { OPS_PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig(frontingWorkerConfigSchema, { OPS_PORT: 'eighty' })).toThrow(/OPS_PORT/);
  });
});
