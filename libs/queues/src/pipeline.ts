import type { Registry } from 'prom-client';
import { BoundedQueue } from './bounded-queue';
import { pipelineMetrics, type PipelineMetrics } from './pipeline-metrics';

/** Hands an item to the next stage; waits while that stage's input queue is full. */
export type Emit<T> = (item: T) => Promise<void>;

/** Produces the pipeline's items. Returning ends the input; throwing fails the pipeline. */
export type SourceFn<T> = (emit: Emit<T>, signal: AbortSignal) => Promise<void>;

/** Processes one item and emits zero or more items to the next stage. */
export type StageFn<I, O> = (item: I, emit: Emit<O>, signal: AbortSignal) => Promise<void>;

/** Processes one item at the end of the pipeline. */
export type SinkFn<I> = (item: I, signal: AbortSignal) => Promise<void>;

export interface StageOptions<I> {
  /** Items this stage processes at once. Default 1. */
  concurrency?: number;
  /** Capacity (items) of the queue feeding this stage. Default 100. */
  capacity?: number;
  /** Byte bound of the queue feeding this stage, measured by `sizeOf`. */
  maxBytes?: number;
  sizeOf?: (item: I) => number;
}

export interface PipelineOptions {
  /** Names the pipeline in metrics (`pipeline` label). */
  name: string;
  /** Where the per-stage metrics are registered; none when unset. */
  registry?: Registry;
}

interface StageDefinition {
  name: string;
  concurrency: number;
  queue: StageOptions<unknown>;
  /** `emit` is undefined for the last stage only. */
  run: (item: unknown, emit: Emit<unknown> | undefined, signal: AbortSignal) => Promise<void>;
}

/** Starts a pipeline definition: `pipeline(opts).source(...).stage(...).sink(...)`. */
export function pipeline(options: PipelineOptions): { source<T>(name: string, fn: SourceFn<T>): PipelineBuilder<T> } {
  return {
    source: <T>(name: string, fn: SourceFn<T>) =>
      new PipelineBuilder<T>(options, { name, run: fn as SourceFn<unknown> }, []),
  };
}

export class PipelineBuilder<T> {
  constructor(
    private readonly options: PipelineOptions,
    private readonly sourceDef: { name: string; run: SourceFn<unknown> },
    private readonly stages: StageDefinition[],
  ) {}

  /** Adds a stage that transforms each item into zero or more items of type `U`. */
  stage<U>(name: string, options: StageOptions<T>, fn: StageFn<T, U>): PipelineBuilder<U> {
    return new PipelineBuilder<U>(this.options, this.sourceDef, [
      ...this.stages,
      stageDefinition(name, options, (item, emit, signal) => fn(item as T, emit as Emit<U>, signal)),
    ]);
  }

  /** Adds the last stage and returns the runnable pipeline. */
  sink(name: string, options: StageOptions<T>, fn: SinkFn<T>): Pipeline {
    const run: StageDefinition['run'] = (item, _emit, signal) => fn(item as T, signal);
    return new Pipeline(this.options, this.sourceDef, [...this.stages, stageDefinition(name, options, run)]);
  }
}

function stageDefinition(name: string, options: StageOptions<never>, run: StageDefinition['run']): StageDefinition {
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`stage "${name}": concurrency must be an integer >= 1, got ${concurrency}`);
  }
  return { name, concurrency, queue: options as StageOptions<unknown>, run };
}

/**
 * A source and stages joined by bounded queues, each stage a set of
 * concurrent workers. A stage that emits waits while the next queue is full,
 * so the slowest stage slows everything before it down to the source, and the
 * items in flight never exceed the queue capacities plus one item per worker
 * and one held by the source.
 *
 * `run()` resolves when the source has returned and every item went through
 * the last stage. The first error anywhere (or the caller's abort) rejects
 * `run()` at once with that error: every queue fails so blocked workers wake,
 * and the signal handed to each stage function aborts. `run()` does not wait
 * for stage functions that ignore the signal.
 */
export class Pipeline {
  private readonly metrics?: PipelineMetrics;
  private queues: Array<BoundedQueue<unknown>> = [];

  constructor(
    private readonly options: PipelineOptions,
    private readonly sourceDef: { name: string; run: SourceFn<unknown> },
    private readonly stages: StageDefinition[],
  ) {
    const names = [sourceDef.name, ...stages.map((s) => s.name)];
    const duplicate = names.find((name, i) => names.indexOf(name) !== i);
    if (duplicate) throw new Error(`pipeline "${options.name}": stage name "${duplicate}" is used twice`);
    if (options.registry) {
      this.metrics = pipelineMetrics(options.registry);
      this.metrics.addDepthReader(options.name, () =>
        this.queues.map((queue, i) => ({ stage: this.stages[i].name, depth: queue.size })),
      );
      for (const stage of stages) {
        this.metrics.workers.set({ pipeline: options.name, stage: stage.name }, stage.concurrency);
      }
    }
  }

  run(signal?: AbortSignal): Promise<void> {
    const controller = new AbortController();
    const queues = this.stages.map(
      ({ queue }) => new BoundedQueue<unknown>({ capacity: queue.capacity ?? 100, maxBytes: queue.maxBytes, sizeOf: queue.sizeOf }),
    );
    this.queues = queues;

    return new Promise<void>((resolve, reject) => {
      let failed = false;
      const fail = (error: unknown) => {
        if (failed) return;
        failed = true;
        controller.abort(error);
        for (const queue of queues) queue.fail(error);
        reject(error);
      };
      if (signal?.aborted) {
        fail(signal.reason);
        return;
      }
      const onAbort = () => fail(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });

      const source = this.sourceDef.run(this.emitter(this.sourceDef.name, queues[0], controller.signal), controller.signal).then(
        () => queues[0].close(),
      );
      const stages = this.stages.map(async (stage, i) => {
        const next = queues[i + 1];
        const emit = next ? this.emitter(stage.name, next, controller.signal) : undefined;
        const workers = Array.from({ length: stage.concurrency }, () =>
          this.work(stage, queues[i], emit, controller.signal),
        );
        await Promise.all(workers);
        next?.close();
      });
      Promise.all([source, ...stages]).then(
        () => {
          signal?.removeEventListener('abort', onAbort);
          if (!failed) resolve();
        },
        (error: unknown) => {
          signal?.removeEventListener('abort', onAbort);
          fail(error);
        },
      );
      // Reject on the first failure, not when every task has noticed it.
      for (const task of [source, ...stages]) task.catch(fail);
    });
  }

  private emitter(stage: string, queue: BoundedQueue<unknown>, signal: AbortSignal): Emit<unknown> {
    const out = this.metrics?.itemsOut.labels({ pipeline: this.options.name, stage });
    return async (item) => {
      await queue.put(item, signal);
      out?.inc();
    };
  }

  private async work(
    stage: StageDefinition,
    input: BoundedQueue<unknown>,
    emit: Emit<unknown> | undefined,
    signal: AbortSignal,
  ): Promise<void> {
    const labels = { pipeline: this.options.name, stage: stage.name };
    const itemsIn = this.metrics?.itemsIn.labels(labels);
    const busy = this.metrics?.busySeconds.labels(labels);
    // The last stage's finished items are its output.
    const finished = emit ? undefined : this.metrics?.itemsOut.labels(labels);
    for (;;) {
      const next = await input.take(signal);
      if (next.done) return;
      itemsIn?.inc();
      const started = performance.now();
      try {
        await stage.run(next.value, emit, signal);
      } finally {
        busy?.inc((performance.now() - started) / 1000);
      }
      finished?.inc();
    }
  }
}
