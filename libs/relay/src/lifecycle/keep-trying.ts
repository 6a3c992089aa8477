import type { Logger } from 'pino';
import { Backoff, type BackoffOptions } from '../delivery/backoff';

export interface KeepTryingOptions {
  signal?: AbortSignal;
  backoff?: BackoffOptions;
  logger?: Logger;
  /** Each failure, before the wait (e.g. to report it in readiness). */
  onFailure?(error: unknown, attempt: number): void;
}

/**
 * Runs `attempt` until it succeeds, with backoff in between: how a worker
 * connects to a cluster that may be down when it starts, instead of
 * exiting and being restarted over and over. Rejects only with the
 * signal's reason.
 */
export async function keepTrying<T>(what: string, attempt: () => Promise<T>, options: KeepTryingOptions = {}): Promise<T> {
  const backoff = new Backoff(options.backoff);
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      return await attempt();
    } catch (error) {
      options.signal?.throwIfAborted();
      options.onFailure?.(error, backoff.attempts + 1);
      const level = backoff.attempts === 0 || (backoff.attempts + 1) % 10 === 0 ? 'warn' : 'debug';
      options.logger?.[level]({ err: error, attempt: backoff.attempts + 1 }, `${what} failed; retrying`);
      await backoff.wait(options.signal);
    }
  }
}
