import { ConfigError, loadConfig } from '@eventpath/runtime';
import { archiverConfigSchema } from './config';
import { createArchiver } from './archiver';

describe('archiver start-up', () => {
  it('starts from configuration and serves its operations endpoints', async () => {
    const app = await createArchiver(loadConfig(archiverConfigSchema, { OPS_PORT: '0', LOG_LEVEL: 'silent' }));
    try {
      expect((await fetch(`${app.opsUrl}/healthz`)).status).toBe(200);
      expect(await (await fetch(`${app.opsUrl}/metrics`)).text()).toContain('app="archiver"');
    } finally {
      await app.stop();
    }
    await expect(app.done).resolves.toBeUndefined();
  });

  it('refuses a wrong config key with a message naming it', () => {
    expect(() => loadConfig(archiverConfigSchema, { OPS_PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig(archiverConfigSchema, { OPS_PORT: 'eighty' })).toThrow(/OPS_PORT/);
  });
});
