import { IngestRequestError } from '../events/ingest-request-error';
import { hashApiKey } from './api-key-hash';
import { TopicAcl } from './topic-acl';

/** Per-key limits; unset means unlimited. */
export interface RateLimit {
  eventsPerSecond?: number;
  bytesPerSecond?: number;
}

/** One API key as the config holds it. */
export interface ApiKeyEntry {
  name: string;
  /** SHA-256 of the key, lowercase hex (see `hashApiKey`). */
  sha256: string;
  topics: readonly string[];
  rateLimit?: RateLimit;
}

/** Who sent a request, what it may produce to, and how fast. */
export interface Principal {
  name: string;
  acl: TopicAcl;
  rateLimit?: RateLimit;
}

/** The principal of a gateway without API keys. */
export const ANONYMOUS: Principal = { name: 'anonymous', acl: TopicAcl.everything };

/** Request headers that may carry a key (lowercase names, as Node gives them). */
export interface CredentialHeaders {
  authorization?: string;
  'x-api-key'?: string | string[];
}

/**
 * Checks the API key of a request: `Authorization: Bearer <key>`,
 * `X-API-Key: <key>`, or `Authorization: Basic` with the key as the password
 * (what REST Proxy clients configured for basic auth send). Without keys
 * configured every request is the anonymous principal, allowed everything.
 */
export class ApiKeyAuthenticator {
  private readonly byHash: ReadonlyMap<string, Principal>;

  constructor(keys: readonly ApiKeyEntry[] | undefined) {
    this.byHash = new Map((keys ?? []).map((key) => [key.sha256.toLowerCase(), { name: key.name, acl: new TopicAcl(key.topics), rateLimit: key.rateLimit }]));
    this.open = keys === undefined;
  }

  /** Whether requests need no key at all. */
  readonly open: boolean;

  /** @throws IngestRequestError `unauthorized` (401) without a key or with one that is not configured */
  authenticate(headers: CredentialHeaders): Principal {
    if (this.open) return ANONYMOUS;
    const key = presentedKey(headers);
    if (key === undefined) {
      throw new IngestRequestError('unauthorized', 'an API key is required: send "Authorization: Bearer <key>" or "X-API-Key: <key>"');
    }
    const principal = this.byHash.get(hashApiKey(key));
    if (!principal) throw new IngestRequestError('unauthorized', 'the API key is not valid');
    return principal;
  }

  /** @throws IngestRequestError `forbidden` (403) when the principal may not produce to `topic` */
  authorize(principal: Principal, topic: string): void {
    if (!principal.acl.allows(topic)) {
      throw new IngestRequestError('forbidden', `the API key "${principal.name}" may not produce to topic "${topic}"`);
    }
  }
}

function presentedKey(headers: CredentialHeaders): string | undefined {
  const apiKey = headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey.length > 0) return apiKey;
  const authorization = headers.authorization;
  if (!authorization) return undefined;
  const space = authorization.indexOf(' ');
  if (space === -1) return undefined;
  const scheme = authorization.slice(0, space).toLowerCase();
  const credentials = authorization.slice(space + 1).trim();
  if (scheme === 'bearer') return credentials || undefined;
  if (scheme === 'basic') {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon === -1 ? undefined : decoded.slice(colon + 1) || undefined;
  }
  return undefined;
}
