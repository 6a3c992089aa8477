/**
 * Errors of the object stores. Every failure of a store operation is a
 * StorageError (or a subclass), so callers can catch one type; the subclasses
 * name the cases a caller acts on differently.
 */
export class StorageError extends Error {
  override readonly name: string = 'StorageError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** `get` of a name that holds no object. */
export class ObjectNotFoundError extends StorageError {
  override readonly name = 'ObjectNotFoundError';

  constructor(
    readonly objectName: string,
    readonly storeUrl: string,
    options?: { cause?: unknown },
  ) {
    super(`No object named ${JSON.stringify(objectName)} in ${storeUrl}`, options);
  }
}

/** A put with `ifAbsent` found the name taken (GCS: 412 on `ifGenerationMatch: 0`). */
export class ObjectAlreadyExistsError extends StorageError {
  override readonly name = 'ObjectAlreadyExistsError';

  constructor(
    readonly objectName: string,
    readonly storeUrl: string,
    options?: { cause?: unknown },
  ) {
    super(`An object named ${JSON.stringify(objectName)} already exists in ${storeUrl}`, options);
  }
}

/**
 * An operation kept failing with transient errors (408, 429, 5xx, network) or kept
 * hanging until its deadline passed. `cause` is the last error seen, if any. The
 * operation may still have taken effect (an upload whose answer was lost), never the
 * reverse: nothing is reported as stored that was not.
 */
export class StorageDeadlineExceededError extends StorageError {
  override readonly name = 'StorageDeadlineExceededError';

  constructor(
    readonly operation: string,
    readonly objectName: string | undefined,
    readonly deadlineMs: number,
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    const what = objectName === undefined ? operation : `${operation} ${JSON.stringify(objectName)}`;
    const last = options?.cause instanceof Error ? `; last error: ${options.cause.message}` : '';
    super(`${what} did not succeed within its ${deadlineMs} ms deadline (${attempts} attempt(s))${last}`, options);
  }
}

/**
 * Bytes that do not match their CRC-32C.
 * - `operation: 'put'` (the default): the CRC-32C the store reports for the upload
 *   (`actualCrc32c`) differs from the one computed locally (`expectedCrc32c`), or the store
 *   reported none. The store's copy has been removed where possible; the upload did not happen.
 * - `operation: 'get'`: the downloaded bytes (`actualCrc32c`) differ from the object's stored
 *   CRC-32C (`expectedCrc32c`). Nothing is returned; a later read may succeed.
 */
export class IntegrityError extends StorageError {
  override readonly name = 'IntegrityError';
  readonly operation: 'put' | 'get';

  constructor(
    readonly objectName: string,
    readonly expectedCrc32c: string,
    readonly actualCrc32c: string | undefined,
    detail?: string,
    options?: { cause?: unknown; operation?: 'put' | 'get' },
  ) {
    const operation = options?.operation ?? 'put';
    const [what, expected, actual] =
      operation === 'put' ? ['Upload', 'local', 'stored'] : ['Download', 'stored', 'downloaded'];
    super(
      `${what} of ${JSON.stringify(objectName)} failed its integrity check: ${expected} CRC-32C ${expectedCrc32c}, ` +
        `${actual} ${actualCrc32c ?? '(none reported)'}${detail ? `; ${detail}` : ''}`,
      options,
    );
    this.operation = operation;
  }
}

/** A name the store cannot hold (empty, `..`, a reserved segment, too long ...). */
export class InvalidObjectNameError extends StorageError {
  override readonly name = 'InvalidObjectNameError';

  constructor(
    readonly objectName: string,
    readonly reason: string,
  ) {
    super(`Invalid object name ${JSON.stringify(objectName)}: ${reason}`);
  }
}

/** `openObjectStore` was given a URL it has no implementation for, or a malformed one. */
export class UnsupportedStoreUrlError extends StorageError {
  override readonly name = 'UnsupportedStoreUrlError';

  constructor(
    readonly url: string,
    reason: string,
  ) {
    super(`Cannot open object store ${JSON.stringify(url)}: ${reason}`);
  }
}

/** A request failed for a reason that retrying will not fix (403, 400 ...). */
export class StorageRequestError extends StorageError {
  override readonly name = 'StorageRequestError';

  constructor(
    readonly operation: string,
    readonly objectName: string | undefined,
    /** HTTP status, when the failure was an HTTP answer. */
    readonly status: number | undefined,
    options?: { cause?: unknown },
  ) {
    const what = objectName === undefined ? operation : `${operation} ${JSON.stringify(objectName)}`;
    const reason = options?.cause instanceof Error ? options.cause.message : String(options?.cause);
    super(`${what} failed${status === undefined ? '' : ` with HTTP ${status}`}: ${reason}`, options);
  }
}
