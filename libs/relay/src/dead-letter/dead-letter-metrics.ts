import { Counter, type Registry } from 'prom-client';

export interface DeadLetterMetrics {
  written: Counter<'source' | 'reason'>;
  writeRetries: Counter<'kind'>;
}

const byRegistry = new WeakMap<Registry, DeadLetterMetrics>();

/** The dead-letter writer's metrics on one registry, registered once. */
export function deadLetterMetrics(registry: Registry): DeadLetterMetrics {
  let metrics = byRegistry.get(registry);
  if (!metrics) {
    metrics = {
      written: new Counter({
        name: 'eventpath_dead_letters_written_total',
        help: 'Records written to the dead-letter topic, by source (relay, drain) and reason',
        labelNames: ['source', 'reason'],
        registers: [registry],
      }),
      writeRetries: new Counter({
        name: 'eventpath_dead_letter_write_retries_total',
        help: 'Failed writes to the dead-letter topic, retried (kind: the Kafka error kind)',
        labelNames: ['kind'],
        registers: [registry],
      }),
    };
    byRegistry.set(registry, metrics);
  }
  return metrics;
}
