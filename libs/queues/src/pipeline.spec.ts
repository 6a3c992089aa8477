import { Registry } from 'prom-client';
import { pipeline } from './pipeline';
import { sleep } from './test-support/async-helpers';

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
    let active = 0;
    let maxActive = 0;
    await pipeline({ name: 'concurrent' })
      .source<number>('numbers', async (emit) => {
        for (let i = 0; i < 30; i++) await emit(i);
      })
      .sink('work', { concurrency: 3 }, async () => {
        active += 1;
        maxActive = Math.max(maxActive, active);
        await sleep(2);
        active -= 1;
      })
      .run();
    expect(maxActive).toBe(3);
  });

  it('lets a slow last stage throttle the source: items in flight never exceed the queue and worker bound', async () => {
    const capacities = { parse: 5, store: 3 };
    const concurrency = { parse: 2, store: 1 };
    // Every queue full, every worker holding one item, the source holding one in a blocked emit.
    const bound = capacities.parse + capacities.store + concurrency.parse + concurrency.store + 1;
    const total = 150;
    const sinkDelayMs = 2;
    let emitted = 0;
    let stored = 0;
    let maxInFlight = 0;
    const started = Date.now();
    let sourceDoneAt = 0;

    await pipeline({ name: 'throttled' })
      .source<number>('fast-source', async (emit) => {
        for (let i = 0; i < total; i++) {
          emitted += 1;
          maxInFlight = Math.max(maxInFlight, emitted - stored);
          await emit(i);
        }
        sourceDoneAt = Date.now();
      })
      .stage<number>('parse', { capacity: capacities.parse, concurrency: concurrency.parse }, async (n, emit) => {
        await emit(n);
      })
      .sink('store', { capacity: capacities.store, concurrency: concurrency.store }, async () => {
        await sleep(sinkDelayMs);
        stored += 1;
      })
      .run();

    expect(stored).toBe(total);
    expect(maxInFlight).toBeLessThanOrEqual(bound);
    // The bound was actually reached: the source ran ahead until blocked.
    expect(maxInFlight).toBeGreaterThanOrEqual(bound - 1);
    // The source could not finish before the sink had stored all but the last `bound` items.
    expect(sourceDoneAt - started).toBeGreaterThanOrEqual((total - bound) * sinkDelayMs);
  });

  it('fails the whole pipeline promptly with the original error of a middle stage, stopping source and workers', async () => {
    const boom = new Error('cannot parse item 10');
    let emitted = 0;
    let sinkCalls = 0;
    let failedAt = 0;
    let sourceStoppedWith: unknown;
    const sinkSignals: AbortSignal[] = [];

    const run = pipeline({ name: 'failing' })
      .source<number>('endless', async (emit) => {
        try {
          for (let i = 0; ; i++) {
            emitted += 1;
            await emit(i);
          }
        } catch (error) {
          sourceStoppedWith = error;
          throw error;
        }
      })
      .stage<number>('parse', { capacity: 4, concurrency: 2 }, async (n, emit) => {
        if (n === 10) {
          failedAt = Date.now();
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

    await expect(run).rejects.toBe(boom);
    expect(Date.now() - failedAt).toBeLessThan(200);
    expect(sinkSignals[0].aborted).toBe(true);
    expect(sinkSignals[0].reason).toBe(boom);
    const emittedAtFailure = emitted;
    const sinkCallsAtFailure = sinkCalls;
    await sleep(50);
    expect(emitted).toBe(emittedAtFailure);
    expect(sinkCalls).toBe(sinkCallsAtFailure);
    // The source was blocked in emit; it woke with the original error.
    expect(sourceStoppedWith).toBe(boom);
  }, 5000);

  it('stops when the caller aborts, rejecting with the abort reason', async () => {
    const controller = new AbortController();
    let sourceSignal: AbortSignal | undefined;
    const run = pipeline({ name: 'aborted' })
      .source<number>('endless', async (emit, signal) => {
        sourceSignal = signal;
        for (let i = 0; ; i++) await emit(i);
      })
      .sink('store', {}, () => sleep(1))
      .run(controller.signal);
    await sleep(20);
    const reason = new Error('SIGTERM');
    controller.abort(reason);
    await expect(run).rejects.toBe(reason);
    expect(sourceSignal?.aborted).toBe(true);
  });

  it('reports items in and out, queue depth, busy time and workers per stage on the given registry', async () => {
    const registry = new Registry();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const run = pipeline({ name: 'measured', registry })
      .source<number>('numbers', async (emit) => {
        for (let i = 0; i < 10; i++) await emit(i);
      })
      .stage<number>('pass', { concurrency: 2 }, async (n, emit) => emit(n))
      .sink('held', { capacity: 20 }, async () => {
        await gate;
        await sleep(5);
      })
      .run();

    await sleep(30);
    const depth = await registry.getSingleMetric('eventpath_pipeline_queue_depth')?.get();
    // One item is held by the sink's only worker, the other nine wait in its queue.
    expect(depth?.values.find((v) => v.labels.stage === 'held')?.value).toBe(9);
    release();
    await run;

    const value = async (name: string, stage: string) =>
      (await registry.getSingleMetric(name)?.get())?.values.find((v) => v.labels.stage === stage && v.labels.pipeline === 'measured')?.value;
    expect(await value('eventpath_pipeline_items_out_total', 'numbers')).toBe(10);
    expect(await value('eventpath_pipeline_items_in_total', 'pass')).toBe(10);
    expect(await value('eventpath_pipeline_items_out_total', 'pass')).toBe(10);
    expect(await value('eventpath_pipeline_items_in_total', 'held')).toBe(10);
    expect(await value('eventpath_pipeline_items_out_total', 'held')).toBe(10);
    expect(await value('eventpath_pipeline_workers', 'pass')).toBe(2);
    // The sink was busy at least 10 x 5 ms plus the time the first item waited at the gate.
    expect(await value('eventpath_pipeline_busy_seconds_total', 'held')).toBeGreaterThanOrEqual(0.05);
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
