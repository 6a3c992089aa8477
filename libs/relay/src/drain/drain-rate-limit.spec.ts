import { DrainRateLimit } from './drain-rate-limit';

describe('DrainRateLimit', () => {
  it('lets a second’s worth through at once and makes the next wait for the next second', async () => {
    const limit = new DrainRateLimit(100);
    const started = performance.now();
    await limit.take(100);
    expect(performance.now() - started).toBeLessThan(500);
    await limit.take(50);
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('splits a take larger than a second’s worth', async () => {
    const limit = new DrainRateLimit(20);
    const started = performance.now();
    await limit.take(45);
    // 20 now, 20 after one second, 5 after two.
    expect(performance.now() - started).toBeGreaterThanOrEqual(1900);
  });

  it('rejects with the signal’s reason when aborted while waiting', async () => {
    const limit = new DrainRateLimit(10);
    await limit.take(10);
    const controller = new AbortController();
    const waiting = limit.take(10, controller.signal);
    controller.abort(new Error('stopped'));
    await expect(waiting).rejects.toThrow('stopped');
  });

  it('refuses a rate that is not a positive whole number', () => {
    expect(() => new DrainRateLimit(0)).toThrow(RangeError);
    expect(() => new DrainRateLimit(1.5)).toThrow(RangeError);
  });
});
