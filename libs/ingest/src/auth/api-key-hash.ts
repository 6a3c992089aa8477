import { createHash } from 'node:crypto';

/**
 * How API keys are stored in the gateway's config: the SHA-256 of the key,
 * as 64 lowercase hex digits (`printf %s "$KEY" | sha256sum`). Keys are long
 * random tokens (at least 32 random bytes), so a fast hash is enough, and a
 * request costs one hash and one map lookup.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export const API_KEY_HASH = /^[0-9a-f]{64}$/;
