import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Principal } from '../auth/api-key-authenticator';
import { IngestRequestError } from '../events/ingest-request-error';

/**
 * Per-key rate limits in events per second and bytes per second (fixed
 * one-second windows, rate-limiter-flexible's memory limiter). Limits are
 * per gateway process: with N replicas behind a load balancer a key may send
 * up to N times its limit.
 */
export class PrincipalRateLimiter {
  private readonly events = new Map<string, RateLimiterMemory>();
  private readonly bytes = new Map<string, RateLimiterMemory>();

  /**
   * Counts a request of `events` events and `bytes` bytes against the key's
   * limits. @throws IngestRequestError `rate-limited` (429, with the seconds
   * until the window resets) or `payload-too-large` (413) for a request
   * larger than one second's allowance, which could never pass.
   */
  async consume(principal: Principal, events: number, bytes: number): Promise<void> {
    const limit = principal.rateLimit;
    if (!limit) return;
    await this.take(this.events, principal.name, limit.eventsPerSecond, events, 'events');
    await this.take(this.bytes, principal.name, limit.bytesPerSecond, bytes, 'bytes');
  }

  private async take(limiters: Map<string, RateLimiterMemory>, name: string, perSecond: number | undefined, amount: number, unit: string): Promise<void> {
    if (perSecond === undefined) return;
    if (amount > perSecond) {
      throw new IngestRequestError(
        'payload-too-large',
        `the request has ${amount} ${unit}, more than the ${perSecond} ${unit} per second the API key "${name}" may send: split it`,
      );
    }
    let limiter = limiters.get(name);
    if (!limiter) limiters.set(name, (limiter = new RateLimiterMemory({ points: perSecond, duration: 1, keyPrefix: unit })));
    try {
      await limiter.consume(name, amount);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw new IngestRequestError('rate-limited', `the API key "${name}" is over its limit of ${perSecond} ${unit} per second`, { retryAfterSeconds });
    }
  }
}
