import { corruptHashes, type ObjectHashes } from './object-hash';
import type { RouteKind } from './route';

/** The statuses the client treats as transient and retries with backoff. */
export const INJECTED_STATUSES = [408, 429, 500, 502, 503, 504] as const;

export type InjectedStatus = (typeof INJECTED_STATUSES)[number];

/** Which requests a failure applies to; omitted fields match anything. */
export interface RequestMatch {
  /** HTTP method, e.g. `POST`. */
  method?: string;
  kind?: RouteKind;
}

export interface FailRequestsOptions extends RequestMatch {
  /** Default 503. */
  status?: InjectedStatus;
  /** How many matching requests fail. Default 1. */
  count?: number;
}

export interface CutUploadsOptions {
  /** How many uploads (multipart or media bodies, resumable data `PUT`s) are cut. Default 1. */
  count?: number;
  /** Body bytes received before the socket is destroyed. Default 64 KiB; a shorter body is cut at its end. */
  afterBytes?: number;
}

export interface PendingFaults {
  failures: (RequestMatch & { status: InjectedStatus; remaining: number })[];
  hashCorruptions: number;
  connectionCuts: { remaining: number; afterBytes: number }[];
  responseDelayMs: number;
}

/** Fault injection for tests, in process; the same operations are served over HTTP. */
export interface GcsEmulatorFaults {
  /** The next `count` matching requests answer `status` (a JSON error) instead of being served. */
  failNextRequests(options?: FailRequestsOptions): void;
  /** The next `count` completed uploads record wrong crc32c and md5Hash, so the client's integrity check fails. */
  corruptNextUploadHashes(count?: number): void;
  /** The next uploads lose their connection part way through the body. */
  cutNextUploads(options?: CutUploadsOptions): void;
  /** Every API answer waits this long first (0 turns it off). */
  setResponseDelay(ms: number): void;
  /** Drops every pending fault and the delay. */
  reset(): void;
  pending(): PendingFaults;
}

const DEFAULT_CUT_AFTER_BYTES = 64 * 1024;

function positiveInteger(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${what} must be a positive integer, got ${value}`);
  return value;
}

/** Holds the pending faults; the server takes one each time a request qualifies. */
export class FaultInjector implements GcsEmulatorFaults {
  private failures: PendingFaults['failures'] = [];
  private hashCorruptions = 0;
  private connectionCuts: PendingFaults['connectionCuts'] = [];
  private responseDelayMs = 0;

  failNextRequests({ status = 503, count = 1, method, kind }: FailRequestsOptions = {}): void {
    this.failures.push({ status, remaining: positiveInteger(count, 'count'), method: method?.toUpperCase(), kind });
  }

  corruptNextUploadHashes(count = 1): void {
    this.hashCorruptions += positiveInteger(count, 'count');
  }

  cutNextUploads({ count = 1, afterBytes = DEFAULT_CUT_AFTER_BYTES }: CutUploadsOptions = {}): void {
    this.connectionCuts.push({
      remaining: positiveInteger(count, 'count'),
      afterBytes: positiveInteger(afterBytes, 'afterBytes'),
    });
  }

  setResponseDelay(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`delay must be a non-negative number, got ${ms}`);
    this.responseDelayMs = ms;
  }

  reset(): void {
    this.failures = [];
    this.hashCorruptions = 0;
    this.connectionCuts = [];
    this.responseDelayMs = 0;
  }

  pending(): PendingFaults {
    return {
      failures: this.failures.map((failure) => ({ ...failure })),
      hashCorruptions: this.hashCorruptions,
      connectionCuts: this.connectionCuts.map((cut) => ({ ...cut })),
      responseDelayMs: this.responseDelayMs,
    };
  }

  get delayMs(): number {
    return this.responseDelayMs;
  }

  /** The status to answer instead of serving this request, if a failure is pending for it. */
  takeFailure(method: string, kind: RouteKind): InjectedStatus | undefined {
    const failure = this.failures.find(
      (f) => (f.method === undefined || f.method === method) && (f.kind === undefined || f.kind === kind),
    );
    if (!failure) return undefined;
    if (--failure.remaining === 0) this.failures.splice(this.failures.indexOf(failure), 1);
    return failure.status;
  }

  /** The hashes to record for a completed upload: the real ones, or corrupted ones when a corruption is pending. */
  hashesToRecord(actual: ObjectHashes): ObjectHashes {
    if (this.hashCorruptions === 0) return actual;
    this.hashCorruptions -= 1;
    return corruptHashes(actual);
  }

  /** The byte count after which to cut this upload's connection, if a cut is pending. */
  takeConnectionCut(): number | undefined {
    const cut = this.connectionCuts[0];
    if (!cut) return undefined;
    if (--cut.remaining === 0) this.connectionCuts.shift();
    return cut.afterBytes;
  }
}
