import { StorageDeadlineExceededError } from '../errors';
import { retryUntilDeadline, type RetryEvent } from './retry-until-deadline';

const fast = { deadlineMs: 2_000, initialDelayMs: 1, multiplier: 2, maxDelayMs: 5 };
const transient = (error: unknown) => (error as Error).message === 'transient';

describe('retryUntilDeadline', () => {
  it('retries transient failures until an attempt succeeds, reporting each retry', async () => {
    const events: RetryEvent[] = [];
    let calls = 0;
    const result = await retryUntilDeadline(
      'put',
      'obj',
      fast,
      transient,
      async () => {
        calls += 1;
        if (calls < 4) throw new Error('transient');
        return 'done';
      },
      (event) => events.push(event),
    );
    expect(result).toBe('done');
    expect(events.map((e) => e.attempt)).toEqual([1, 2, 3]);
  });

  it('reports a failure at the deadline (a request that timed out at it, before the deadline timer ran) as the deadline', async () => {
    const failing = retryUntilDeadline('list', undefined, { ...fast, deadlineMs: 50 }, transient, async ({ deadline }) => {
      // Blocks past the deadline (as a loaded process would), then fails the way a request timeout does.
      while (Date.now() < deadline + 5) {
        /* busy until past the deadline, so the deadline's timer cannot run first */
      }
      throw new Error('network timeout at: http://storage/list');
    });
    const error = await failing.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageDeadlineExceededError);
    expect(((error as Error).cause as Error).message).toMatch(/network timeout/);
  });

  it('does not retry other failures', async () => {
    let calls = 0;
    const failing = retryUntilDeadline('put', 'obj', fast, transient, async () => {
      calls += 1;
      throw new Error('permanent');
    });
    await expect(failing).rejects.toThrow('permanent');
    expect(calls).toBe(1);
  });

  it('stops at the deadline with a typed error carrying the last failure, and aborts the attempt in flight', async () => {
    let aborted = false;
    let calls = 0;
    const started = Date.now();
    const error = await retryUntilDeadline('get', 'obj', { ...fast, deadlineMs: 150 }, transient, ({ signal }) => {
      calls += 1;
      if (calls < 3) return Promise.reject(new Error('transient'));
      return new Promise<never>(() => signal.addEventListener('abort', () => (aborted = true)));
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageDeadlineExceededError);
    expect(error).toMatchObject({ operation: 'get', objectName: 'obj', deadlineMs: 150, attempts: 3 });
    expect((error as Error).cause).toEqual(new Error('transient'));
    expect(aborted).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('cancels a backoff delay in progress at the deadline, leaving no timer behind', async () => {
    // Every timer set during the call, until it fires or is cleared.
    const pending = new Set<NodeJS.Timeout>();
    const realSetTimeout = global.setTimeout;
    const realClearTimeout = global.clearTimeout;
    jest.spyOn(global, 'setTimeout').mockImplementation(((callback: () => void, ms?: number) => {
      const handle = realSetTimeout(() => {
        pending.delete(handle);
        callback();
      }, ms);
      pending.add(handle);
      return handle;
    }) as typeof setTimeout);
    jest.spyOn(global, 'clearTimeout').mockImplementation(((handle: NodeJS.Timeout) => {
      pending.delete(handle);
      realClearTimeout(handle);
    }) as typeof clearTimeout);
    jest.spyOn(Math, 'random').mockReturnValue(0.5);
    try {
      // After the first failure: a 5 s delay (half of the 10 s bound), far past the 100 ms deadline.
      const error = await retryUntilDeadline('list', undefined, { deadlineMs: 100, initialDelayMs: 10_000, multiplier: 2, maxDelayMs: 10_000 }, transient, () =>
        Promise.reject(new Error('transient')),
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StorageDeadlineExceededError);
      expect(error).toMatchObject({ attempts: 1 });
      expect(pending.size).toBe(0);
    } finally {
      jest.restoreAllMocks();
    }
  });

  it('tells each attempt the deadline, for I/O that takes a timeout rather than a signal', async () => {
    const started = Date.now();
    const deadline = await retryUntilDeadline('stat', 'obj', { ...fast, deadlineMs: 1_000 }, transient, async ({ deadline }) => deadline);
    expect(deadline).toBeGreaterThanOrEqual(started + 1_000);
    expect(deadline).toBeLessThan(started + 1_100);
  });
});
