import { refusal } from '../test-support/problems';
import { ANONYMOUS, ApiKeyAuthenticator } from './api-key-authenticator';
import { hashApiKey } from './api-key-hash';

const KEY = 'k-0123456789abcdef0123456789abcdef';

describe('ApiKeyAuthenticator', () => {
  const authenticator = new ApiKeyAuthenticator([{ name: 'orders', sha256: hashApiKey(KEY), topics: ['orders'], rateLimit: { eventsPerSecond: 10 } }]);

  it('takes the key from Bearer, X-API-Key or Basic (as the password) and finds its principal by hash', () => {
    const basic = `Basic ${Buffer.from(`user:${KEY}`).toString('base64')}`;
    for (const headers of [{ authorization: `Bearer ${KEY}` }, { 'x-api-key': KEY }, { authorization: basic }, { authorization: `bearer  ${KEY}` }]) {
      const principal = authenticator.authenticate(headers);
      expect(principal.name).toBe('orders');
      expect(principal.rateLimit).toEqual({ eventsPerSecond: 10 });
    }
  });

  it('answers 401 without a key or with an unknown one, 403 for a topic outside the key’s ACL', () => {
    expect(refusal(() => authenticator.authenticate({})).status).toBe(401);
    expect(refusal(() => authenticator.authenticate({ authorization: 'Bearer nope' })).message).toBe('the API key is not valid');
    expect(refusal(() => authenticator.authenticate({ authorization: 'Digest abc' })).status).toBe(401);
    expect(refusal(() => authenticator.authenticate({ authorization: `Basic ${Buffer.from('no-colon').toString('base64')}` })).status).toBe(401);
    const principal = authenticator.authenticate({ 'x-api-key': KEY });
    expect(() => authenticator.authorize(principal, 'orders')).not.toThrow();
    expect(refusal(() => authenticator.authorize(principal, 'payments')).status).toBe(403);
  });

  it('is open, everything allowed, without keys configured; a configured empty list lets nobody in', () => {
    const open = new ApiKeyAuthenticator(undefined);
    expect(open.open).toBe(true);
    expect(open.authenticate({})).toBe(ANONYMOUS);
    expect(() => open.authorize(ANONYMOUS, 'anything')).not.toThrow();
    const closed = new ApiKeyAuthenticator([]);
    expect(closed.open).toBe(false);
    expect(refusal(() => closed.authenticate({ 'x-api-key': KEY })).status).toBe(401);
  });

  it('hashes keys with SHA-256 as lowercase hex, as `printf %s "$KEY" | sha256sum` prints', () => {
    expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
