import { Backoff } from './backoff';

describe('Backoff', () => {
  it('doubles from the initial delay up to the maximum, with the jitter in the upper half of each step', () => {
    const low = new Backoff({ initialMs: 100, maxMs: 1000 }, () => 0);
    expect(Array.from({ length: 6 }, () => low.next())).toEqual([50, 100, 200, 400, 500, 500]);
    const high = new Backoff({ initialMs: 100, maxMs: 1000 }, () => 1);
    expect(Array.from({ length: 6 }, () => high.next())).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(high.attempts).toBe(6);
    high.reset();
    expect(high.next()).toBe(100);
  });

  it('never overflows after many attempts', () => {
    const backoff = new Backoff({ initialMs: 200, maxMs: 10_000 }, () => 1);
    for (let i = 0; i < 2000; i++) backoff.next();
    expect(backoff.next()).toBe(10_000);
  });

  it('stops waiting when the signal aborts', async () => {
    const controller = new AbortController();
    const backoff = new Backoff({ initialMs: 60_000, maxMs: 60_000 });
    const waiting = backoff.wait(controller.signal);
    controller.abort(new Error('stopped'));
    await expect(waiting).rejects.toThrow('stopped');
  });
});
