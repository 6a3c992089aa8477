import { eventually } from '@eventpath/dev-infra';
import { alertQueries, dashboardQueries, loadAlertRules, loadDashboard, type OpsQuery } from './ops-artifacts';
import { parseExposition, sampleSum, seriesNames, type MetricFamily } from './prometheus-exposition';
import { selectedMetrics } from './promql-selectors';
import { startPipelineUnderTest, type PipelineUnderTest } from './test-support/pipeline-under-test';

/** Series Prometheus makes itself for every target: the rules' instance-down alerts use `up`. */
const PROMETHEUS_SERIES = new Set(['up']);

let pipeline: PipelineUnderTest;
/** Per app, the metric families its /metrics announced after one event went through each path. */
const exported = new Map<string, Map<string, MetricFamily>>();

beforeAll(async () => {
  pipeline = await startPipelineUnderTest();
  // One event through the gateway (→ Kafka → worker relay → archiver) and one through the failover stream (→ worker drain → …).
  expect(await pipeline.postEvent('ops-check-gateway')).toBe(200);
  await pipeline.appendToFailover('ops-check-failover');
  const counted = async (app: 'gateway' | 'worker' | 'archiver', metric: string, atLeast: number) =>
    eventually(async () => sampleSum(parseExposition(await pipeline[app].metrics()), metric) >= atLeast, 60_000, `${metric} ≥ ${atLeast}`);
  await counted('gateway', 'eventpath_gateway_events_total', 1);
  await counted('worker', 'eventpath_drain_events_total', 1);
  await counted('worker', 'eventpath_relay_records_total', 2);
  await counted('archiver', 'eventpath_archiver_records_committed_total', 2);
  for (const app of pipeline.apps) exported.set(app.app, parseExposition(await app.metrics()));
}, 240_000);

afterAll(async () => pipeline?.stop());

function exportedSeries(): Map<string, string[]> {
  const byName = new Map<string, string[]>();
  for (const [app, families] of exported) {
    for (const family of families.values()) for (const name of seriesNames(family)) byName.set(name, [...(byName.get(name) ?? []), app]);
  }
  return byName;
}

function unknownMetrics(queries: OpsQuery[]): Array<{ where: string; metric: string }> {
  const known = exportedSeries();
  return queries.flatMap(({ where, expr }) =>
    selectedMetrics(expr)
      .filter((metric) => !known.has(metric) && !PROMETHEUS_SERIES.has(metric))
      .map((metric) => ({ where, metric })),
  );
}

it('exercised every app: each exports the eventpath_ process metrics and carries its app label', () => {
  for (const [app, families] of exported) {
    expect({ app, rss: families.get('eventpath_process_resident_memory_bytes')?.samples[0]?.labels['app'] }).toEqual({ app, rss: app });
  }
});

it('the dashboard uses only metrics the apps export', () => {
  expect(unknownMetrics(dashboardQueries(loadDashboard()))).toEqual([]);
});

it('the alerting rules use only metrics the apps export', () => {
  expect(unknownMetrics(alertQueries(loadAlertRules()))).toEqual([]);
});

it('reports the exported metrics that neither the dashboard nor the rules use', () => {
  const used = new Set([...dashboardQueries(loadDashboard()), ...alertQueries(loadAlertRules())].flatMap(({ expr }) => selectedMetrics(expr)));
  const unused = new Map<string, string[]>();
  for (const [app, families] of exported) {
    for (const family of families.values()) {
      if (!seriesNames(family).some((name) => used.has(name))) unused.set(`${family.name} (${family.type})`, [...(unused.get(`${family.name} (${family.type})`) ?? []), app]);
    }
  }
  const lines = [...unused].map(([family, apps]) => `${family}: ${apps.join(', ')}`);
  const processMetrics = lines.filter((line) => /^eventpath_(process|nodejs)_/.test(line));
  const own = lines.filter((line) => !processMetrics.includes(line));
  console.log(
    `Exported, on neither the dashboard nor a rule: ${own.length} of the apps' own metrics, ${processMetrics.length} prom-client process metrics\n  ` +
      [...own, ...processMetrics].join('\n  '),
  );
  expect(used.size).toBeGreaterThan(0);
});
