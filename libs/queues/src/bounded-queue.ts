import { QueueClosedError } from './errors';

export interface BoundedQueueOptions<T> {
  /** Most items the queue holds; `put` waits while it is full. At least 1. */
  capacity: number;
  /** Most total bytes the queue holds (as measured by `sizeOf`); unlimited when unset. */
  maxBytes?: number;
  /** Size of one item in bytes; required with `maxBytes`. */
  sizeOf?: (item: T) => number;
}

/** What `take` resolves to: an item, or the end of a closed and drained queue. */
export type TakeResult<T> = { done: false; value: T } | { done: true; value: undefined };

interface Putter<T> {
  item: T;
  size: number;
  resolve: () => void;
  reject: (error: unknown) => void;
  detach: () => void;
}

interface Taker<T> {
  resolve: (result: TakeResult<T>) => void;
  reject: (error: unknown) => void;
  detach: () => void;
}

const END: TakeResult<never> = Object.freeze({ done: true, value: undefined });

/**
 * A FIFO queue between async producers and consumers with a hard bound.
 * `put` waits while the queue is full and `take` while it is empty; waiting
 * is done with promises settled by the opposite operation, never by polling.
 *
 * - `close()` stops new puts; takers still receive every item put before it,
 *   then `{ done: true }`.
 * - `fail(error)` ends both sides at once: every waiting and future `put`
 *   and `take` rejects with `error`, and queued items are dropped.
 * - Each `put`/`take` takes an AbortSignal; aborting rejects that one call
 *   with the signal's reason and leaves the queue as it was.
 *
 * An item larger than `maxBytes` is admitted when the queue is empty, so it
 * cannot block its producer forever.
 */
export class BoundedQueue<T> implements AsyncIterable<T> {
  private readonly capacity: number;
  private readonly maxBytes: number;
  private readonly sizeOf?: (item: T) => number;
  /** Slots before `head` were taken and are cleared, so the queue keeps no taken item alive. */
  private items: Array<T | undefined> = [];
  private sizes: number[] = [];
  private head = 0;
  private bytes = 0;
  private readonly putters: Putter<T>[] = [];
  private readonly takers: Taker<T>[] = [];
  private state: 'open' | 'closed' | 'failed' = 'open';
  private failure: unknown;

  constructor(options: BoundedQueueOptions<T>) {
    if (!Number.isInteger(options.capacity) || options.capacity < 1) {
      throw new RangeError(`capacity must be an integer >= 1, got ${options.capacity}`);
    }
    if (options.maxBytes !== undefined) {
      if (!(options.maxBytes > 0)) throw new RangeError(`maxBytes must be > 0, got ${options.maxBytes}`);
      if (!options.sizeOf) throw new TypeError('maxBytes needs sizeOf to measure items');
    }
    this.capacity = options.capacity;
    this.maxBytes = options.maxBytes ?? Infinity;
    this.sizeOf = options.sizeOf;
  }

  /** Items waiting to be taken (not counting producers blocked in `put`). */
  get size(): number {
    return this.items.length - this.head;
  }

  /** Total bytes of the items waiting to be taken; 0 without `sizeOf`. */
  get byteSize(): number {
    return this.bytes;
  }

  /** True once `close()` or `fail()` was called. */
  get isClosed(): boolean {
    return this.state !== 'open';
  }

  put(item: T, signal?: AbortSignal): Promise<void> {
    if (this.state === 'failed') return Promise.reject(this.failure);
    if (this.state === 'closed') return Promise.reject(new QueueClosedError());
    if (signal?.aborted) return Promise.reject(signal.reason);
    const size = this.measure(item);

    const taker = this.takers.shift();
    if (taker) {
      taker.detach();
      taker.resolve({ done: false, value: item });
      return Promise.resolve();
    }
    // Waiting producers go first, so a small item cannot overtake a large one.
    if (this.putters.length === 0 && this.hasRoomFor(size)) {
      this.enqueue(item, size);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const putter: Putter<T> = { item, size, resolve, reject, detach: () => undefined };
      putter.detach = onAbort(signal, (reason) => {
        remove(this.putters, putter);
        reject(reason);
        // The abandoned item may have been what held smaller ones back.
        this.admitPutters();
      });
      this.putters.push(putter);
    });
  }

  take(signal?: AbortSignal): Promise<TakeResult<T>> {
    if (this.state === 'failed') return Promise.reject(this.failure);
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.size > 0) {
      const value = this.dequeue();
      this.admitPutters();
      return Promise.resolve({ done: false, value });
    }
    if (this.state === 'closed') return Promise.resolve(END);
    return new Promise<TakeResult<T>>((resolve, reject) => {
      const taker: Taker<T> = { resolve, reject, detach: () => undefined };
      taker.detach = onAbort(signal, (reason) => {
        remove(this.takers, taker);
        reject(reason);
      });
      this.takers.push(taker);
    });
  }

  /** No more puts; takers drain what is queued (including puts already waiting), then see the end. */
  close(): void {
    if (this.state !== 'open') return;
    this.state = 'closed';
    // Takers only wait on an empty queue with no waiting producers: nothing more will come.
    for (const taker of this.takers.splice(0)) {
      taker.detach();
      taker.resolve(END);
    }
  }

  /** Ends the queue with an error that every waiting and future put and take receives. */
  fail(error: unknown): void {
    if (this.state === 'failed') return;
    this.state = 'failed';
    this.failure = error;
    this.items = [];
    this.sizes = [];
    this.head = 0;
    this.bytes = 0;
    for (const waiter of [...this.putters.splice(0), ...this.takers.splice(0)]) {
      waiter.detach();
      waiter.reject(error);
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      const next = await this.take();
      if (next.done) return;
      yield next.value;
    }
  }

  private measure(item: T): number {
    if (!this.sizeOf) return 0;
    const size = this.sizeOf(item);
    if (!Number.isFinite(size) || size < 0) throw new RangeError(`sizeOf returned ${size}; expected a size >= 0`);
    return size;
  }

  private hasRoomFor(size: number): boolean {
    if (this.size === 0) return true;
    return this.size < this.capacity && this.bytes + size <= this.maxBytes;
  }

  private enqueue(item: T, size: number): void {
    this.items.push(item);
    this.sizes.push(size);
    this.bytes += size;
  }

  private dequeue(): T {
    const value = this.items[this.head] as T;
    // Clear the slot: a taken item must not stay reachable from the queue (its
    // memory would escape the byte bound until the next compaction).
    this.items[this.head] = undefined;
    this.bytes -= this.sizes[this.head];
    this.head += 1;
    // Compact once the cleared prefix dominates, keeping take O(1) amortised.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.sizes = this.sizes.slice(this.head);
      this.head = 0;
    }
    return value;
  }

  private admitPutters(): void {
    while (this.putters.length > 0 && this.hasRoomFor(this.putters[0].size)) {
      const putter = this.putters.shift() as Putter<T>;
      putter.detach();
      this.enqueue(putter.item, putter.size);
      putter.resolve();
    }
  }
}

/** Calls `onAborted` once if the signal aborts; returns a function that stops listening. */
function onAbort(signal: AbortSignal | undefined, onAborted: (reason: unknown) => void): () => void {
  if (!signal) return () => undefined;
  const listener = () => onAborted(signal.reason);
  signal.addEventListener('abort', listener, { once: true });
  return () => signal.removeEventListener('abort', listener);
}

function remove<W>(list: W[], waiter: W): void {
  const index = list.indexOf(waiter);
  if (index >= 0) list.splice(index, 1);
}
