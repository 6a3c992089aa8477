import { TopicAcl } from '../auth/topic-acl';
import { asyncRefusal } from '../test-support/problems';
import { PrincipalRateLimiter } from './principal-rate-limiter';

describe('PrincipalRateLimiter', () => {
  const principal = (rateLimit?: { eventsPerSecond?: number; bytesPerSecond?: number }, name = 'p') => ({ name, acl: TopicAcl.everything, rateLimit });

  it('lets a key send its events and bytes per second, then answers 429 with the seconds to wait', async () => {
    const limiter = new PrincipalRateLimiter();
    const key = principal({ eventsPerSecond: 10, bytesPerSecond: 1000 });
    await limiter.consume(key, 6, 100);
    const events = await asyncRefusal(() => limiter.consume(key, 6, 100));
    expect([events.status, events.retryAfterSeconds]).toEqual([429, 1]);
    expect(events.message).toMatch(/over its limit of 10 events per second/);
    const other = principal({ bytesPerSecond: 1000 }, 'q');
    await limiter.consume(other, 1, 900);
    expect((await asyncRefusal(() => limiter.consume(other, 1, 200))).message).toMatch(/1000 bytes per second/);
  });

  it('keeps keys apart, ignores keys without limits, and answers 413 for a request no second could hold', async () => {
    const limiter = new PrincipalRateLimiter();
    await limiter.consume(principal({ eventsPerSecond: 5 }, 'a'), 5, 0);
    await limiter.consume(principal({ eventsPerSecond: 5 }, 'b'), 5, 0);
    await limiter.consume(principal(undefined, 'free'), 1_000_000, 1e9);
    const huge = await asyncRefusal(() => limiter.consume(principal({ eventsPerSecond: 5 }, 'c'), 6, 0));
    expect([huge.status, huge.message]).toEqual([413, expect.stringMatching(/split it/)]);
  });
});
