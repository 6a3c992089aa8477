import { Counter, Gauge, type Registry } from 'prom-client';

/** Reports the current depth of each stage's input queue at scrape time. */
export type DepthReader = () => Array<{ stage: string; depth: number }>;

export interface PipelineMetrics {
  itemsIn: Counter<'pipeline' | 'stage'>;
  itemsOut: Counter<'pipeline' | 'stage'>;
  busySeconds: Counter<'pipeline' | 'stage'>;
  workers: Gauge<'pipeline' | 'stage'>;
  /** Registers a pipeline's queues for the depth gauge. */
  addDepthReader(pipeline: string, read: DepthReader): void;
}

const byRegistry = new WeakMap<Registry, PipelineMetrics>();

/**
 * The pipeline metrics of one registry. Several pipelines may share a
 * registry (the `pipeline` label tells them apart), so each metric is
 * registered once per registry.
 */
export function pipelineMetrics(registry: Registry): PipelineMetrics {
  const existing = byRegistry.get(registry);
  if (existing) return existing;

  const depthReaders = new Map<string, DepthReader>();
  const labelNames = ['pipeline', 'stage'] as const;
  const metrics: PipelineMetrics = {
    itemsIn: new Counter({
      name: 'eventpath_pipeline_items_in_total',
      help: 'Items a stage took from its input queue',
      labelNames,
      registers: [registry],
    }),
    itemsOut: new Counter({
      name: 'eventpath_pipeline_items_out_total',
      help: 'Items a stage emitted downstream (for the last stage: items it finished)',
      labelNames,
      registers: [registry],
    }),
    busySeconds: new Counter({
      name: 'eventpath_pipeline_busy_seconds_total',
      help: "Time a stage's workers spent processing items; divide its rate by eventpath_pipeline_workers for the busy fraction",
      labelNames,
      registers: [registry],
    }),
    workers: new Gauge({
      name: 'eventpath_pipeline_workers',
      help: 'Concurrent workers of a stage',
      labelNames,
      registers: [registry],
    }),
    addDepthReader: (pipeline, read) => void depthReaders.set(pipeline, read),
  };
  new Gauge({
    name: 'eventpath_pipeline_queue_depth',
    help: "Items waiting in a stage's input queue",
    labelNames,
    registers: [registry],
    collect() {
      for (const [pipeline, read] of depthReaders) {
        for (const { stage, depth } of read()) this.set({ pipeline, stage }, depth);
      }
    },
  });
  byRegistry.set(registry, metrics);
  return metrics;
}
