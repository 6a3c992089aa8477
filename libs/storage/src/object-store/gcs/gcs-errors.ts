import { StorageError } from '../errors';

/**
 * Reading the errors of `@google-cloud/storage` 7.x, by type and code only, never by message
 * text (a message can hold anything, an object name such as `logs/ECONNRESET.txt` included).
 * They come in several shapes: `ApiError` (JSON calls, multipart uploads) with a numeric
 * `code`; `GaxiosError` (resumable uploads) with `status` / `response.status`; the resumable
 * upload's own "Upload failed" Error with a numeric `code`; and network errors (node-fetch
 * `FetchError`, Node's socket errors, possibly as the `cause` of another error) with a string
 * `code` such as `ECONNRESET`. The store turns the client's own retries off, including its
 * `retryableErrorFn`, so the resumable upload surfaces these typed errors instead of a plain
 * "Retry limit exceeded" Error that names the cause only in its message.
 */

const NETWORK_ERROR_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/** How deep to follow `cause` chains (a guard against cycles). */
const MAX_CAUSE_DEPTH = 5;

interface ErrorLike {
  code?: unknown;
  status?: unknown;
  response?: { status?: unknown };
  cause?: unknown;
}

/** The HTTP status of a failed request, if the failure was an HTTP answer (from `code`, `status` or `response.status`). */
export function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as ErrorLike;
  for (const candidate of [e.code, e.status, e.response?.status]) {
    if (typeof candidate === 'number' && candidate >= 100 && candidate < 600) return candidate;
    if (typeof candidate === 'string' && /^[1-5]\d\d$/.test(candidate)) return Number(candidate);
  }
  return undefined;
}

/**
 * 408, 429, 5xx answers and network failures (by error code, on the error or its causes):
 * worth another attempt. The store's own errors (ObjectNotFoundError, IntegrityError ...)
 * never are.
 */
export function isTransientGcsError(error: unknown): boolean {
  if (error instanceof StorageError) return false;
  const status = httpStatusOf(error);
  if (status !== undefined) return status === 408 || status === 429 || status >= 500;
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && typeof current === 'object' && current !== null; depth++) {
    const code = (current as ErrorLike).code;
    if (typeof code === 'string' && NETWORK_ERROR_CODES.has(code)) return true;
    current = (current as ErrorLike).cause;
  }
  return false;
}

/**
 * GCS refused an upload whose data did not match the CRC-32C sent with it: a 400 answer
 * whose server message says so ("Provided CRC32C ... doesn't match calculated CRC32C ...").
 * GCS gives that case no code of its own, so this one check reads the server's message; it
 * only chooses IntegrityError over StorageRequestError for a 400 (neither is retried).
 */
export function isChecksumRejection(error: unknown): boolean {
  if (error instanceof StorageError || httpStatusOf(error) !== 400) return false;
  return serverMessages(error).some((message) => /doesn't match calculated (CRC32C|MD5)/i.test(message));
}

/** The messages of GCS's JSON error answer carried by a client error (`ApiError` or the resumable upload's). */
function serverMessages(error: unknown): string[] {
  const e = error as { message?: unknown; errors?: unknown };
  const messages: string[] = [];
  if (typeof e.message === 'string') messages.push(e.message);
  if (Array.isArray(e.errors)) {
    for (const item of e.errors as { message?: unknown; error?: { message?: unknown } }[]) {
      if (typeof item?.message === 'string') messages.push(item.message);
      if (typeof item?.error?.message === 'string') messages.push(item.error.message);
    }
  }
  return messages;
}
