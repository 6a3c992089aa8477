import { backOff } from 'exponential-backoff';
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
}

/**
 * Runs `attempt` until it succeeds, fails with an error `isTransient` rejects, or the
 * deadline passes. Transient failures are retried with exponential backoff and full jitter
 * (`exponential-backoff`); the deadline is enforced here, not by the backoff: when it
 * passes, the attempt in flight is aborted and the operation fails at once with
 * StorageDeadlineExceededError carrying the last error.
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
  let attempts = 0;
  let lastError: unknown;
  let timer: NodeJS.Timeout | undefined;

  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new StorageDeadlineExceededError(operation, objectName, options.deadlineMs, attempts, { cause: lastError }));
    }, options.deadlineMs);
  });

  const attempts$ = backOff(
    async () => {
      if (controller.signal.aborted) throw controller.signal.reason;
      attempts += 1;
      try {
        return await attempt({ number: attempts, signal: controller.signal });
      } catch (error) {
        if (!controller.signal.aborted) lastError = error;
        throw error;
      }
    },
    {
      numOfAttempts: Number.MAX_SAFE_INTEGER,
      startingDelay: options.initialDelayMs,
      timeMultiple: options.multiplier,
      maxDelay: options.maxDelayMs,
      jitter: 'full',
      delayFirstAttempt: false,
      retry: (error: unknown) => {
        if (controller.signal.aborted || !isTransient(error)) return false;
        onRetry?.({ operation, objectName, attempt: attempts, error });
        return true;
      },
    },
  );
  // Once the deadline has won the race, the backoff's own end is of no interest.
  attempts$.catch(() => undefined);
  try {
    return await Promise.race([attempts$, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
