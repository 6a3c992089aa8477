import { StorageDeadlineExceededError } from '../errors';

export interface RetryOptions {
  /**
   * How long one store operation (including all its retries) may take before it fails with
   * StorageDeadlineExceededError. Default 300 000 (5 minutes).
   */
  deadlineMs?: number;
  /** Upper bound of the first backoff delay (full jitter: the delay is uniform in [0, bound]). Default 200. */
  initialDelayMs?: number;
  /** The bound grows by this factor after each failure. Default 2. */
  multiplier?: number;
  /** Cap of the bound. Default 15 000. */
  maxDelayMs?: number;
}

export const DEFAULT_RETRY_OPTIONS: Required<RetryOptions> = {
  deadlineMs: 300_000,
  initialDelayMs: 200,
  multiplier: 2,
  maxDelayMs: 15_000,
};

/** A failure this close to the deadline is the deadline's (a request timed out at it). */
const DEADLINE_TOLERANCE_MS = 10;

/** One failed attempt that will be retried after a backoff delay. */
export interface RetryEvent {
  operation: string;
  objectName: string | undefined;
  /** The attempt that failed, 1 for the first. */
  attempt: number;
  error: unknown;
}

export interface Attempt {
  /** 1 for the first attempt. */
  number: number;
  /** Aborted when the deadline passes: an attempt must stop its I/O when it fires. */
  signal: AbortSignal;
  /** The operation's deadline (epoch milliseconds), for I/O that takes a timeout rather than a signal. */
  deadline: number;
}

/**
 * Runs `attempt` until it succeeds, fails with an error `isTransient` rejects, or the
 * deadline passes. Transient failures are retried after a backoff delay, exponential with
 * full jitter. When the deadline passes, the attempt in flight is aborted (its signal fires),
 * a backoff delay in progress is cancelled (no timer outlives the operation), and the
 * operation fails at once with StorageDeadlineExceededError carrying the last error.
 */
export async function retryUntilDeadline<T>(
  operation: string,
  objectName: string | undefined,
  options: Required<RetryOptions>,
  isTransient: (error: unknown) => boolean,
  attempt: (attempt: Attempt) => Promise<T>,
  onRetry?: (event: RetryEvent) => void,
): Promise<T> {
  const controller = new AbortController();
  const { signal } = controller;
  const deadline = Date.now() + options.deadlineMs;
  let attempts = 0;
  let lastError: unknown;
  let timer: NodeJS.Timeout | undefined;

  const deadlinePassed = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort(new StorageDeadlineExceededError(operation, objectName, options.deadlineMs, attempts, { cause: lastError }));
      reject(signal.reason);
    }, options.deadlineMs);
  });

  const attemptsUntilDone = (async (): Promise<T> => {
    for (;;) {
      attempts += 1;
      try {
        return await attempt({ number: attempts, signal, deadline });
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        // An attempt's requests time out at the deadline too (see Attempt.deadline): when
        // theirs fires before the deadline's timer, the failure is still the deadline's.
        if (Date.now() >= deadline - DEADLINE_TOLERANCE_MS) {
          controller.abort(new StorageDeadlineExceededError(operation, objectName, options.deadlineMs, attempts, { cause: error }));
          throw signal.reason;
        }
        lastError = error;
        if (!isTransient(error)) throw error;
        onRetry?.({ operation, objectName, attempt: attempts, error });
      }
      const bound = Math.min(options.maxDelayMs, options.initialDelayMs * options.multiplier ** (attempts - 1));
      await sleep(Math.random() * bound, signal);
    }
  })();
  // Once the deadline has won the race, the attempts' own end is of no interest.
  attemptsUntilDone.catch(() => undefined);
  try {
    return await Promise.race([attemptsUntilDone, deadlinePassed]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it is aborted (clearing the timer). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
