import { Registry } from 'prom-client';
import { eventually } from '@eventpath/dev-infra';
import { pipeline } from './pipeline';

// These tests synchronise on events, never on elapsed time: stage functions
// wait on gates the test opens, and the test waits on promises or, with a
// deadline, on conditions. The pipeline itself uses no timers, so once pending
// callbacks have run (`settle`) it has done everything it can do.

/** A promise and the function that resolves it. */
function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

/** Runs every callback that is pending now or that those schedule without a timer. */
async function settle(): Promise<void> {
  for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
}

/** Settles as `promise` does, or rejects naming `what` after `ms`. */
async function withDeadline<T>(promise: Promise<T>, what: string, ms = 5_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Stage calls that each wait until the test releases them, oldest first. */
class HeldCalls {
  private readonly waiting: Array<() => void> = [];
  private open = false;

  /** Called by the stage function; resolves when released. */
  hold(): Promise<void> {
    if (this.open) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  get count(): number {
    return this.waiting.length;
  }

  releaseOldest(): void {
    const next = this.waiting.shift();
    if (!next) throw new Error('no call is held');
    next();
  }

  /** Releases every held call and lets later ones through. */
  releaseAll(): void {
    this.open = true;
    for (const next of this.waiting.splice(0)) next();
  }
}

describe('pipeline', () => {
  it('moves every item from the source through each stage to the sink, fanning out where a stage emits more', async () => {
    const received: string[] = [];
    await pipeline({ name: 'basic' })
      .source<number>('numbers', async (emit) => {
        for (let i = 0; i < 5; i++) await emit(i);
      })
      .stage<number>('double', {}, async (n, emit) => {
        await emit(n * 2);
        await emit(n * 2 + 1);
      })
      .sink('collect', {}, async (n) => {
        received.push(`#${n}`);
      })
      .run();
    expect(received).toEqual([...Array(10).keys()].map((n) => `#${n}`));
  });

  it('runs up to `concurrency` items of a stage at once', async () => {
    const held = new HeldCalls();
    let started = 0;
    const run = pipeline({ name: 'concurrent' })
      .source<number>('numbers', async (emit) => {
        for (let i = 0; i < 10; i++) await emit(i);
      })
      .sink('work', { concurrency: 3 }, async () => {
        started += 1;
        await held.hold();
      })
      .run();

    await eventually(() => held.count === 3, 5_000, 'three items in the sink at once');
    await settle();
    // Seven items are waiting, yet no fourth worker starts.
    expect({ started, held: held.count }).toEqual({ started: 3, held: 3 });
    held.releaseOldest();
    await settle();
    // A finished item makes room for exactly one more.
    expect({ started, held: held.count }).toEqual({ started: 4, held: 3 });

    held.releaseAll();
    await withDeadline(run, 'run() to resolve');
    expect(started).toBe(10);
  });

  it('lets a slow last stage throttle the source: items in flight never exceed the queue and worker bound', async () => {
    const capacities = { parse: 5, store: 3 };
    const concurrency = { parse: 2, store: 1 };
    // Every queue full, every worker holding one item, the source holding one in a blocked emit.
    const bound = capacities.parse + capacities.store + concurrency.parse + concurrency.store + 1;
    const total = 40;
    const held = new HeldCalls();
    let emitted = 0;
    let stored = 0;
    let maxInFlight = 0;
    let sourceDone = false;

    const run = pipeline({ name: 'throttled' })
      .source<number>('fast-source', async (emit) => {
        for (let i = 0; i < total; i++) {
          emitted += 1;
          maxInFlight = Math.max(maxInFlight, emitted - stored);
          await emit(i);
        }
        sourceDone = true;
      })
      .stage<number>('parse', { capacity: capacities.parse, concurrency: concurrency.parse }, async (n, emit) => {
        await emit(n);
      })
      .sink('store', { capacity: capacities.store, concurrency: concurrency.store }, async () => {
        await held.hold();
        stored += 1;
      })
      .run();

    // The sink holds its first item: the source runs ahead until the pipeline is full, then blocks.
    await eventually(() => emitted === bound, 5_000, `the source to emit ${bound} items`);
    await settle();
    expect({ emitted, stored, sourceDone }).toEqual({ emitted: bound, stored: 0, sourceDone: false });

    // From then on, each item the sink finishes lets the source emit exactly one more.
    for (let finished = 1; finished <= total - bound; finished++) {
      expect(held.count).toBe(1);
      held.releaseOldest();
      await settle();
      expect({ emitted, stored }).toEqual({ emitted: bound + finished, stored: finished });
    }
    expect(sourceDone).toBe(false);

    held.releaseAll();
    await withDeadline(run, 'run() to resolve');
    expect({ stored, sourceDone, maxInFlight }).toEqual({ stored: total, sourceDone: true, maxInFlight: bound });
  });

  it('fails the whole pipeline promptly with the original error of a middle stage, stopping source and workers', async () => {
    const boom = new Error('cannot parse item 10');
    const sourceStopped = deferred<unknown>();
    let emitted = 0;
    let parseCalls = 0;
    let sinkCalls = 0;
    let timerFired = false;
    const sinkSignals: AbortSignal[] = [];

    const run = pipeline({ name: 'failing' })
      .source<number>('endless', async (emit) => {
        try {
          for (let i = 0; ; i++) {
            emitted += 1;
            // Fail instead of spinning forever if emit stopped waiting for room.
            if (emitted > 1_000) throw new Error('emit never blocked');
            await emit(i);
          }
        } catch (error) {
          sourceStopped.resolve(error);
          throw error;
        }
      })
      .stage<number>('parse', { capacity: 4, concurrency: 2 }, async (n, emit) => {
        parseCalls += 1;
        if (n === 10) {
          // "Promptly": run() must reject before even a 0 ms timer set now fires.
          setTimeout(() => (timerFired = true), 0);
          throw boom;
        }
        await emit(n);
      })
      .sink('stuck-store', { capacity: 4 }, async (n, signal) => {
        sinkCalls += 1;
        sinkSignals.push(signal);
        // A stage stuck on an item (ignoring its signal) must not keep run() pending.
        if (n === 5) await new Promise(() => undefined);
      })
      .run();

    await expect(withDeadline(run, 'run() to reject')).rejects.toBe(boom);
    expect(timerFired).toBe(false);
    expect(sinkSignals[0].aborted).toBe(true);
    expect(sinkSignals[0].reason).toBe(boom);
    // The source, blocked in emit or at its next one, stops with the original error.
    expect(await withDeadline(sourceStopped.promise, 'the source to stop')).toBe(boom);

    const atFailure = { emitted, parseCalls, sinkCalls };
    await settle();
    // Nothing runs any more: the source has returned and no worker takes another item.
    expect({ emitted, parseCalls, sinkCalls }).toEqual(atFailure);
    expect(sinkCalls).toBe(6);
  });

  it('stops when the caller aborts, rejecting with the abort reason', async () => {
    const controller = new AbortController();
    const sinkStarted = deferred();
    let sourceSignal: AbortSignal | undefined;
    let sinkSignal: AbortSignal | undefined;
    const run = pipeline({ name: 'aborted' })
      .source<number>('endless', async (emit, signal) => {
        sourceSignal = signal;
        for (let i = 0; ; i++) {
          // Fail instead of spinning forever if emit stopped waiting for room.
          if (i > 1_000) throw new Error('emit never blocked');
          await emit(i);
        }
      })
      .sink('store', {}, async (_n, signal) => {
        sinkSignal = signal;
        sinkStarted.resolve();
        // Ignores its signal: run() must not wait for it.
        await new Promise(() => undefined);
      })
      .run(controller.signal);

    await withDeadline(sinkStarted.promise, 'the sink to start');
    const reason = new Error('SIGTERM');
    controller.abort(reason);
    await expect(withDeadline(run, 'run() to reject')).rejects.toBe(reason);
    expect(sourceSignal?.reason).toBe(reason);
    expect(sinkSignal?.reason).toBe(reason);

    // A signal aborted before run() never starts the source.
    let sourceCalls = 0;
    const never = pipeline({ name: 'aborted-before' })
      .source<number>('numbers', async () => void (sourceCalls += 1))
      .sink('store', {}, async () => undefined)
      .run(AbortSignal.abort(reason));
    await expect(withDeadline(never, 'run() to reject')).rejects.toBe(reason);
    expect(sourceCalls).toBe(0);
  });

  it('reports items in and out, queue depth, busy time and workers per stage on the given registry', async () => {
    const registry = new Registry();
    const gate = deferred();
    let firstHeldAt: number | undefined;
    const run = pipeline({ name: 'measured', registry })
      .source<number>('numbers', async (emit) => {
        for (let i = 0; i < 10; i++) await emit(i);
      })
      .stage<number>('pass', { concurrency: 2 }, async (n, emit) => emit(n))
      .sink('held', { capacity: 20 }, async () => {
        firstHeldAt ??= performance.now();
        await gate.promise;
      })
      .run();

    const value = async (name: string, stage: string) =>
      (await registry.getSingleMetric(name)?.get())?.values.find((v) => v.labels.stage === stage && v.labels.pipeline === 'measured')?.value;
    // One item is held by the sink's only worker, the other nine wait in its queue.
    await eventually(async () => (await value('eventpath_pipeline_queue_depth', 'held')) === 9, 5_000, 'a depth of 9');
    await settle();
    expect(await value('eventpath_pipeline_queue_depth', 'held')).toBe(9);
    expect(await value('eventpath_pipeline_items_in_total', 'held')).toBe(1);
    const heldSeconds = (performance.now() - (firstHeldAt as number)) / 1000;
    gate.resolve();
    await withDeadline(run, 'run() to resolve');

    expect(await value('eventpath_pipeline_items_out_total', 'numbers')).toBe(10);
    expect(await value('eventpath_pipeline_items_in_total', 'pass')).toBe(10);
    expect(await value('eventpath_pipeline_items_out_total', 'pass')).toBe(10);
    expect(await value('eventpath_pipeline_items_in_total', 'held')).toBe(10);
    expect(await value('eventpath_pipeline_items_out_total', 'held')).toBe(10);
    expect(await value('eventpath_pipeline_workers', 'pass')).toBe(2);
    // The first item was busy in the sink for at least as long as the test held it.
    expect(heldSeconds).toBeGreaterThan(0);
    expect(await value('eventpath_pipeline_busy_seconds_total', 'held')).toBeGreaterThanOrEqual(heldSeconds);
    expect(await value('eventpath_pipeline_queue_depth', 'held')).toBe(0);
  });

  it('refuses two stages with the same name', () => {
    expect(() =>
      pipeline({ name: 'dup' })
        .source<number>('a', async () => undefined)
        .sink('a', {}, async () => undefined),
    ).toThrow(/"a" is used twice/);
  });
});
