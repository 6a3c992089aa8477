import { ParquetWriterStateError } from './errors';

export type WriterState = 'open' | 'closing' | 'closed' | 'aborted' | 'failed';

/**
 * What every ParquetFileWriter does the same way: calls run one after the other in call
 * order; after a failure every call but `abort` is refused with the first error as cause;
 * `abort` waits for what is in flight, and leaves a file that a close finished meanwhile.
 */
export class WriterLifecycle {
  state: WriterState = 'open';
  private failure: unknown;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly path: string) {}

  /** Runs `operation` after every operation queued before it. */
  serialized<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(operation);
    this.queue = result.catch(() => undefined);
    return result;
  }

  assertOpen(operation: string): void {
    if (this.state === 'failed') {
      throw new ParquetWriterStateError(`${operation}: the writer of ${this.path} failed earlier: ${String(this.failure)}`, { cause: this.failure });
    }
    if (this.state !== 'open') throw new ParquetWriterStateError(`${operation}: the writer of ${this.path} is ${this.state}`);
  }

  /** The writer failed (unless it was aborted); the first failure is the one reported. */
  fail(error: unknown): void {
    if (this.state === 'aborted' || this.state === 'failed') return;
    this.state = 'failed';
    this.failure = error;
  }

  /**
   * Closes the writer: `finish` writes the end of the file (a failure fails the writer),
   * then the writer is closed for good, whatever abort() came in meanwhile (close reports
   * the file as written, so it stays), and `summarize` reports on it.
   */
  close<T>(finish: () => Promise<void>, summarize: () => Promise<T>): Promise<T> {
    return this.serialized(async () => {
      this.assertOpen('close');
      this.state = 'closing';
      try {
        await finish();
      } catch (error) {
        this.fail(error);
        throw error;
      }
      this.state = 'closed';
      return summarize();
    });
  }

  /**
   * Marks the writer aborted, waits for what is queued, then runs `discard` unless a close
   * finished the file meanwhile (close reported it as written, so it stays).
   */
  async abort(discard: () => Promise<void>): Promise<void> {
    if (this.state === 'closed' || this.state === 'aborted') return;
    this.state = 'aborted';
    await this.queue.catch(() => undefined);
    if ((this.state as WriterState) === 'closed') return;
    await discard();
  }
}
