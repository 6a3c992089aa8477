/**
 * Reading the errors of `@google-cloud/storage` 7.x. They come in several shapes:
 * `ApiError` (JSON calls, multipart uploads) with a numeric `code`; `GaxiosError`
 * (resumable uploads) with `status` / `response.status`; fetch `FetchError`s with a
 * string `code` such as `ECONNRESET`; and plain `Error`s from the resumable upload
 * whose message names the network error ("Retry limit exceeded ... reason: read ECONNRESET").
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

const NETWORK_ERROR_MESSAGE =
  /ECONNRESET|ECONNREFUSED|ECONNABORTED|ETIMEDOUT|EPIPE|EAI_AGAIN|ENOTFOUND|ENETUNREACH|EHOSTUNREACH|socket hang up|premature close|network timeout|other side closed/i;

const RESUMABLE_GIVE_UP = /^Retry (?:total time )?limit exceeded - status: ([1-5]\d\d)\b/;

interface ErrorLike {
  code?: unknown;
  status?: unknown;
  response?: { status?: unknown };
  message?: unknown;
  errors?: { reason?: unknown }[];
}

/** The HTTP status of a failed request, if the failure was an HTTP answer. */
export function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as ErrorLike;
  for (const candidate of [e.code, e.status, e.response?.status]) {
    if (typeof candidate === 'number' && candidate >= 100 && candidate < 600) return candidate;
    if (typeof candidate === 'string' && /^[1-5]\d\d$/.test(candidate)) return Number(candidate);
  }
  // The resumable upload gives up with a plain Error: "Retry limit exceeded - status: 503 - {...}".
  const fromMessage = typeof e.message === 'string' ? RESUMABLE_GIVE_UP.exec(e.message) : null;
  return fromMessage ? Number(fromMessage[1]) : undefined;
}

/** 408, 429, 5xx and network failures: worth another attempt. */
export function isTransientGcsError(error: unknown): boolean {
  const status = httpStatusOf(error);
  if (status !== undefined) return status === 408 || status === 429 || status >= 500;
  if (typeof error !== 'object' || error === null) return false;
  const e = error as ErrorLike;
  if (typeof e.code === 'string' && NETWORK_ERROR_CODES.has(e.code)) return true;
  return typeof e.message === 'string' && NETWORK_ERROR_MESSAGE.test(e.message);
}

/** GCS refused an upload whose data did not match the CRC-32C sent with it (400). */
export function isChecksumRejection(error: unknown): boolean {
  if (httpStatusOf(error) !== 400) return false;
  const message = (error as ErrorLike).message;
  return typeof message === 'string' && /crc32c|checksum|hash/i.test(message);
}
