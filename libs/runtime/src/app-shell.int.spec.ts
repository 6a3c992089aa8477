import { startAppShell } from './app-shell';

describe('app shell', () => {
  it('serves readiness checks added after start and releases resources in reverse order on stop', async () => {
    const shell = await startAppShell({ name: 'shell-test', opsPort: 0, logLevel: 'silent' });
    const released: string[] = [];
    shell.onStop(async () => void released.push('kafka'));
    shell.onStop(async () => void released.push('redis'));
    expect((await fetch(`${shell.opsUrl}/readyz`)).status).toBe(200);

    shell.readiness['redis'] = async () => {
      throw new Error('READONLY');
    };
    const res = await fetch(`${shell.opsUrl}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'not ready', failures: { redis: 'READONLY' } });

    await Promise.all([shell.stop(), shell.stop()]);
    expect(released).toEqual(['redis', 'kafka']);
    await expect(shell.done).resolves.toBeUndefined();
    await expect(fetch(`${shell.opsUrl}/healthz`)).rejects.toThrow();
  });
});
