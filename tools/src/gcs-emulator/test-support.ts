import {
  Storage,
  type Bucket,
  type CreateWriteStreamOptions,
  type File,
  type StorageOptions,
} from '@google-cloud/storage';
import { startGcsEmulator, type GcsEmulator } from './start-gcs-emulator';

type RetryOptions = NonNullable<StorageOptions['retryOptions']>;

/**
 * Short backoff so a retried fault costs about a second, not the client's default of up to 64 s.
 * `maxRetryDelay` (seconds) cannot go below 1: `file.save()` passes it to async-retry as
 * `maxTimeout`, which must not be smaller than async-retry's 1 s `minTimeout`.
 */
export const FAST_RETRIES: RetryOptions = {
  autoRetry: true,
  maxRetries: 3,
  retryDelayMultiplier: 1.1,
  maxRetryDelay: 1,
  totalTimeout: 30,
};

export interface EmulatorWithClient {
  emulator: GcsEmulator;
  storage: Storage;
  bucket: Bucket;
}

/** An emulator on a temporary directory, a real client pointed at it, and one created bucket. */
export async function startEmulatorWithClient(retryOptions: RetryOptions = FAST_RETRIES): Promise<EmulatorWithClient> {
  // With the variable set the client would send JSON calls to it instead of `apiEndpoint`.
  delete process.env['STORAGE_EMULATOR_HOST'];
  const emulator = await startGcsEmulator({ buckets: ['test-bucket'] });
  const storage = new Storage({ ...emulator.storageOptions(), retryOptions });
  return { emulator, storage, bucket: storage.bucket('test-bucket') };
}

/** The HTTP status carried by a client error, whichever of its error shapes it is. */
export function httpStatusOf(error: unknown): number | undefined {
  const candidate = error as { code?: unknown; status?: unknown; response?: { status?: unknown } };
  for (const value of [candidate.code, candidate.status, candidate.response?.status]) {
    if (typeof value === 'number') return value;
    if (typeof value === 'string' && /^\d{3}$/.test(value)) return Number(value);
  }
  return undefined;
}

/** Uploads through `createWriteStream`, the path that supports `chunkSize`. */
export function writeThroughStream(file: File, data: Buffer, options: CreateWriteStreamOptions = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    file.createWriteStream(options).on('error', reject).on('finish', resolve).end(data);
  });
}

/** The HTTP status a client call failed with; throws if it succeeded. */
export async function rejectionStatus(call: Promise<unknown>): Promise<number | undefined> {
  try {
    await call;
  } catch (error) {
    return httpStatusOf(error);
  }
  throw new Error('Expected the call to fail');
}
