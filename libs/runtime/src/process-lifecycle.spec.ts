import { Writable } from 'node:stream';
import { ConfigError } from './config-error';
import { createLogger } from './logger';
import { runMain } from './process-lifecycle';

function captureLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(JSON.parse(String(chunk)));
      cb();
    },
  });
  return { lines, logger: createLogger({ name: 'test', destination }) };
}

describe('runMain', () => {
  it('exits 1 and logs when start-up fails', async () => {
    const { lines, logger } = captureLogger();
    const exit = jest.fn();
    await runMain(() => Promise.reject(new Error('bad config')), { logger, exit });
    expect(exit).toHaveBeenCalledWith(1);
    expect(lines.some((l) => l.msg === 'start-up failed' && (l.err as { message: string }).message === 'bad config')).toBe(true);
  });

  it('logs a config error as the list of wrong keys', async () => {
    const { lines, logger } = captureLogger();
    const exit = jest.fn();
    await runMain(() => Promise.reject(new ConfigError([{ key: 'OPS_PORT', reason: 'must be a port number' }])), { logger, exit });
    expect(exit).toHaveBeenCalledWith(1);
    expect(lines[0]?.msg).toBe('start-up failed: Invalid configuration:\n  OPS_PORT: must be a port number');
  });

  it('exits 1 when the running app fails', async () => {
    const { logger } = captureLogger();
    const exit = jest.fn();
    await runMain(async () => ({ done: Promise.reject(new Error('kafka gone')), stop: async () => undefined }), { logger, exit });
    expect(exit).toHaveBeenCalledWith(1);
  });

  it('stops the app on SIGTERM and exits 0', async () => {
    const { logger } = captureLogger();
    let finish: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const stop = jest.fn(async () => finish());
    const listenersBefore = process.listenerCount('SIGTERM');
    const exited = new Promise<number>((resolve) => {
      void runMain(async () => ({ done, stop }), { logger, exit: resolve });
    });
    while (process.listenerCount('SIGTERM') === listenersBefore) await new Promise((r) => setTimeout(r, 5));
    process.emit('SIGTERM', 'SIGTERM');
    expect(await exited).toBe(0);
    expect(stop).toHaveBeenCalledTimes(1);
  });
});
