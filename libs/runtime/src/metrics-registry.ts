import { collectDefaultMetrics, Registry } from 'prom-client';

export { Counter, Gauge, Histogram, Registry, Summary } from 'prom-client';

/**
 * A Prometheus registry per app instance (not prom-client's global one, so
 * tests can run several apps in one process). Process metrics (CPU, memory,
 * event-loop lag, GC) are included with the `eventpath_` prefix.
 */
export function createMetricsRegistry(app: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ app });
  collectDefaultMetrics({ register: registry, prefix: 'eventpath_' });
  return registry;
}
