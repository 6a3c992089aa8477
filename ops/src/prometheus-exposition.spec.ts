import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { parseExposition, sampleSum, seriesNames } from './prometheus-exposition';

async function exposition(fill: (registry: Registry) => void): Promise<string> {
  const registry = new Registry();
  registry.setDefaultLabels({ app: 'test' });
  fill(registry);
  return registry.metrics();
}

it('finds families before their first sample, as prom-client announces them', async () => {
  const families = parseExposition(
    await exposition((registry) => {
      new Counter({ name: 'x_total', help: 'a labelled counter nothing incremented', labelNames: ['topic'], registers: [registry] });
      new Histogram({ name: 'y_seconds', help: 'an empty histogram', labelNames: ['kind'], registers: [registry] });
    }),
  );
  expect([...families.keys()]).toEqual(['x_total', 'y_seconds']);
  expect(seriesNames(families.get('y_seconds')!)).toEqual(['y_seconds', 'y_seconds_bucket', 'y_seconds_sum', 'y_seconds_count']);
  expect(seriesNames(families.get('x_total')!)).toEqual(['x_total']);
});

it('files samples under their family and sums them by label', async () => {
  const families = parseExposition(
    await exposition((registry) => {
      const counter = new Counter({ name: 'events_total', help: 'h', labelNames: ['destination'], registers: [registry] });
      counter.inc({ destination: 'kafka' }, 3);
      counter.inc({ destination: 'fail "over"\n' }, 2);
      new Histogram({ name: 'send_seconds', help: 'h', buckets: [1], registers: [registry] }).observe(0.5);
      new Gauge({ name: 'depth', help: 'h', registers: [registry] }).set(7);
    }),
  );
  expect(sampleSum(families, 'events_total')).toBe(5);
  expect(sampleSum(families, 'events_total', { destination: 'fail "over"\n' })).toBe(2);
  expect(sampleSum(families, 'send_seconds_count')).toBe(1);
  expect(families.get('send_seconds')?.samples.map((s) => s.name)).toEqual(['send_seconds_bucket', 'send_seconds_bucket', 'send_seconds_sum', 'send_seconds_count']);
  expect(families.get('depth')?.samples).toEqual([{ name: 'depth', labels: { app: 'test' }, value: 7 }]);
});
