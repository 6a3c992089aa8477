export interface BackoffOptions {
  /** First delay, in ms. Default 200. */
  initialMs?: number;
  /** Largest delay, in ms. Default 10000. */
  maxMs?: number;
}

/**
 * Delays between retries of one operation: doubling from `initialMs` up to
 * `maxMs`, each drawn from the upper half of its step ("equal jitter"), so
 * workers that failed together do not retry together, yet none retries
 * much sooner than planned. Retries go on for as long as the caller wants:
 * a worker waiting for a cluster to come back never gives up by itself.
 */
export class Backoff {
  private attempt = 0;
  private readonly initialMs: number;
  private readonly maxMs: number;

  constructor(options: BackoffOptions = {}, private readonly random: () => number = Math.random) {
    this.initialMs = options.initialMs ?? 200;
    this.maxMs = Math.max(options.maxMs ?? 10_000, this.initialMs);
  }

  /** Failures so far. */
  get attempts(): number {
    return this.attempt;
  }

  /** The delay before the next retry. */
  next(): number {
    const step = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.attempt, 30));
    this.attempt += 1;
    return Math.round(step / 2 + this.random() * (step / 2));
  }

  reset(): void {
    this.attempt = 0;
  }

  /** Waits the next delay; rejects with the signal's reason when it aborts first. */
  async wait(signal?: AbortSignal): Promise<number> {
    const delay = this.next();
    await sleep(delay, signal);
    return delay;
  }
}

/** Waits `ms`; rejects with the signal's reason (not a generic AbortError) when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
