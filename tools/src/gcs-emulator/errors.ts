/** The JSON API's error body. */
export interface GcsErrorBody {
  error: { code: number; message: string; errors: { domain: string; reason: string; message: string }[] };
}

/**
 * An error answered to the client in the JSON API's error shape:
 * `{"error":{"code":412,"message":"…","errors":[{"reason":"conditionNotMet","message":"…"}]}}`.
 * The client reads `code` to decide on retries and `reason` for its messages.
 */
export class GcsApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    /** Extra response headers the answer needs (e.g. `Content-Range` on a 416). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'GcsApiError';
  }

  toJSON(): GcsErrorBody {
    return {
      error: {
        code: this.status,
        message: this.message,
        errors: [{ domain: 'global', reason: this.reason, message: this.message }],
      },
    };
  }
}

/** A conditional read of an object that did not change: answered without a body. */
export const notModified = (message: string): GcsApiError => new GcsApiError(304, 'notModified', message);

export const badRequest = (message: string): GcsApiError => new GcsApiError(400, 'invalid', message);

export const notFound = (message: string): GcsApiError => new GcsApiError(404, 'notFound', message);

export const conflict = (message: string): GcsApiError => new GcsApiError(409, 'conflict', message);

export const preconditionFailed = (message: string): GcsApiError =>
  new GcsApiError(412, 'conditionNotMet', message);

export const rangeNotSatisfiable = (range: string, size: number): GcsApiError =>
  new GcsApiError(416, 'requestedRangeNotSatisfiable', `Range ${range} is not satisfiable for ${size} bytes`, {
    'Content-Range': `bytes */${size}`,
  });

/** The answer of a fault injected on purpose; the reasons mirror what GCS sends for these codes. */
export function injectedFailure(status: number): GcsApiError {
  const reasons: Record<number, string> = {
    408: 'requestTimeout',
    429: 'rateLimitExceeded',
    500: 'backendError',
    502: 'badGateway',
    503: 'backendError',
    504: 'gatewayTimeout',
  };
  return new GcsApiError(status, reasons[status] ?? 'backendError', `Injected fault: HTTP ${status}`);
}
