import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ALERTS_FILE,
  OPS_ROOT,
  README_FILE,
  allPanels,
  alertQueries,
  dashboardQueries,
  dashboardVariablesUsed,
  loadAlertRules,
  loadDashboard,
} from './ops-artifacts';
import { PromqlSyntaxError, selectedMetrics } from './promql-selectors';

const readme = readFileSync(README_FILE, 'utf8');
const dashboard = loadDashboard();
const rules = loadAlertRules();

describe('selectedMetrics', () => {
  it('lists the selected metrics, not functions, label names or keywords', () => {
    const expr =
      'histogram_quantile(0.99, sum by (le, route) (rate(a_seconds_bucket{route!="x"}[5m]))) > on (route) group_left sum by (route) (b_total) or absent(up{app="c"}) unless {__name__="d"}';
    expect(selectedMetrics(expr).sort()).toEqual(['a_seconds_bucket', 'b_total', 'd', 'up']);
  });

  it('refuses what PromQL does not accept, saying where', () => {
    expect(() => selectedMetrics('sum(rate(x_total[5m])')).toThrow(PromqlSyntaxError);
    expect(() => selectedMetrics('rate(x_total[5m]) >')).toThrow(/syntax error at/);
  });
});

describe('the Grafana dashboard', () => {
  const panels = allPanels(dashboard).filter((panel) => panel.type !== 'row');

  it('asks for its Prometheus data source on import and uses only that one', () => {
    expect(dashboard.__inputs).toEqual([expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus' })]);
    const sources = panels.flatMap((panel) => [panel.datasource, ...(panel.targets ?? []).map((target) => target.datasource)]);
    expect(new Set(sources.map((source) => JSON.stringify(source)))).toEqual(new Set([JSON.stringify({ type: 'prometheus', uid: '${DS_PROMETHEUS}' })]));
  });

  it('has unique panel ids, panels within the 24-column grid, and a query in every panel', () => {
    const ids = allPanels(dashboard).map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of panels) {
      expect({ panel: panel.title, fits: panel.gridPos.x + panel.gridPos.w <= 24, queries: (panel.targets ?? []).length > 0 }).toEqual({
        panel: panel.title,
        fits: true,
        queries: true,
      });
    }
  });

  it('has expressions that parse as PromQL and select at least one metric each (a cap line excepted)', () => {
    for (const { where, expr } of dashboardQueries(dashboard)) {
      const metrics = selectedMetrics(expr);
      if (!/^vector\(/.test(expr)) expect({ where, metrics: metrics.length > 0 }).toEqual({ where, metrics: true });
    }
  });

  it('defines every variable its expressions use', () => {
    const defined = dashboard.templating.list.map((variable) => variable.name);
    expect(dashboardVariablesUsed(dashboard).filter((name) => !defined.includes(name))).toEqual([]);
  });

  it('explains every panel in ops/README.md', () => {
    expect(panels.map((panel) => panel.title).filter((title) => !readme.includes(`**${title}**`))).toEqual([]);
  });
});

describe('the Prometheus alerting rules', () => {
  it(`are unique, parse as PromQL and select metrics (${ALERTS_FILE})`, () => {
    const names = rules.map((rule) => rule.alert);
    expect(new Set(names).size).toBe(names.length);
    for (const { where, expr } of alertQueries(rules)) expect({ where, metrics: selectedMetrics(expr).length > 0 }).toEqual({ where, metrics: true });
  });

  it('each carry a severity, a summary, a description and a runbook in ops/README.md', () => {
    for (const rule of rules) {
      expect({
        alert: rule.alert,
        severity: ['critical', 'warning'].includes(rule.labels?.['severity'] ?? ''),
        summary: Boolean(rule.annotations?.['summary']),
        description: Boolean(rule.annotations?.['description']),
        runbook: rule.annotations?.['runbook_url'],
        runbookSection: readme.includes(`\n### ${rule.alert}\n`),
      }).toEqual({
        alert: rule.alert,
        severity: true,
        summary: true,
        description: true,
        runbook: `ops/README.md#${rule.alert.toLowerCase()}`,
        runbookSection: true,
      });
    }
  });

  it('each have a case in the rule unit tests (prometheus/eventpath-alerts.test.yml, run by promtool)', () => {
    const tests = readFileSync(join(OPS_ROOT, 'prometheus', 'eventpath-alerts.test.yml'), 'utf8');
    expect(rules.map((rule) => rule.alert).filter((alert) => !new RegExp(`alertname: ${alert}\\n`).test(tests))).toEqual([]);
  });
});
