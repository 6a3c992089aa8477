import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** Where ops/ keeps the dashboard and the rules. */
export const OPS_ROOT = join(__dirname, '..');
export const DASHBOARD_FILE = join(OPS_ROOT, 'grafana', 'eventpath-dashboard.json');
export const ALERTS_FILE = join(OPS_ROOT, 'prometheus', 'eventpath-alerts.yml');
export const README_FILE = join(OPS_ROOT, 'README.md');

/** One PromQL expression of the dashboard or the rules, and where it is. */
export interface OpsQuery {
  where: string;
  expr: string;
}

export interface DashboardPanel {
  id: number;
  type: string;
  title: string;
  description?: string;
  datasource?: { type: string; uid: string };
  gridPos: { h: number; w: number; x: number; y: number };
  targets?: Array<{ expr: string; refId: string; datasource?: { type: string; uid: string } }>;
  panels?: DashboardPanel[];
}

export interface Dashboard {
  __inputs: Array<{ name: string; type: string; pluginId: string }>;
  uid: string;
  title: string;
  panels: DashboardPanel[];
  templating: { list: Array<{ name: string; type: string; query?: unknown }> };
}

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export function loadDashboard(): Dashboard {
  return JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as Dashboard;
}

export function loadAlertRules(): Array<AlertRule & { group: string }> {
  const file = parse(readFileSync(ALERTS_FILE, 'utf8')) as { groups: Array<{ name: string; rules: AlertRule[] }> };
  return file.groups.flatMap((group) => group.rules.map((rule) => ({ ...rule, group: group.name })));
}

/** Every panel, those inside collapsed rows included. */
export function allPanels(dashboard: Dashboard): DashboardPanel[] {
  return dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

/**
 * The dashboard's expressions with Grafana's variables replaced by values of
 * the right kind (`$__rate_interval` → `5m`, a dashboard variable → `1`), so
 * that they are PromQL a parser accepts.
 */
export function dashboardQueries(dashboard: Dashboard): OpsQuery[] {
  return allPanels(dashboard).flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({ where: `panel "${panel.title}" query ${target.refId}`, expr: withoutGrafanaVariables(target.expr) })),
  );
}

/** The dashboard variables (`$name`, `${name}`) the expressions use, Grafana's own `$__…` left out. */
export function dashboardVariablesUsed(dashboard: Dashboard): string[] {
  const used = new Set<string>();
  for (const panel of allPanels(dashboard)) {
    for (const target of panel.targets ?? []) for (const [, name] of target.expr.matchAll(/\$\{?([A-Za-z]\w*)\}?/g)) used.add(name);
  }
  return [...used];
}

export function alertQueries(rules: AlertRule[]): OpsQuery[] {
  return rules.map((rule) => ({ where: `alert ${rule.alert}`, expr: rule.expr }));
}

function withoutGrafanaVariables(expr: string): string {
  return expr.replace(/\$__\w+/g, '5m').replace(/\$\{?[A-Za-z]\w*\}?/g, '1');
}
