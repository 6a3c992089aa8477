import { RateLimiterMemory, RateLimiterQueue } from 'rate-limiter-flexible';

/**
 * The most events per second one worker drains from the failover streams,
 * all streams together, so a large backlog does not crowd out live traffic
 * in the target cluster (or in this worker). FIFO: callers get their events
 * in the order they asked.
 */
export class DrainRateLimit {
  private readonly queue: RateLimiterQueue;

  constructor(readonly eventsPerSecond: number) {
    if (!(eventsPerSecond > 0) || !Number.isInteger(eventsPerSecond)) {
      throw new RangeError(`a drain rate limit is a positive whole number of events per second, got ${eventsPerSecond}`);
    }
    this.queue = new RateLimiterQueue(new RateLimiterMemory({ points: eventsPerSecond, duration: 1 }));
  }

  /** Waits until `events` may be drained; rejects with the signal's reason when it aborts first. */
  async take(events: number, signal?: AbortSignal): Promise<void> {
    for (let left = events; left > 0; ) {
      const now = Math.min(left, this.eventsPerSecond);
      await abortable(this.queue.removeTokens(now), signal);
      left -= now;
    }
  }
}

function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
