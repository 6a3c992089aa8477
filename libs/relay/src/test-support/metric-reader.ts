import type { Registry } from 'prom-client';

/**
 * Sum of a metric's values whose labels include `labels` (for a histogram:
 * its `_count` when `part` is `count`, its `_sum` when `sum`).
 */
export async function readMetric(registry: Registry, name: string, labels: Record<string, string> = {}, part?: 'count' | 'sum'): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  return (values as Array<{ value: number; labels: object; metricName?: string }>)
    .filter((v) => (part ? v.metricName === `${name}_${part}` : v.metricName === undefined || v.metricName === name))
    .filter((v) => Object.entries(labels).every(([k, l]) => String((v.labels as Record<string, unknown>)[k]) === l))
    .reduce((sum, v) => sum + v.value, 0);
}
