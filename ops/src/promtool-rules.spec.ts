import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ALERTS_FILE, OPS_ROOT } from './ops-artifacts';

const RULE_TESTS = join(OPS_ROOT, 'prometheus', 'eventpath-alerts.test.yml');
const promtool = spawnSync('promtool', ['--version']).status === 0;

// promtool comes with Debian's `prometheus` package; without it these checks are reported as skipped.
const withPromtool = promtool ? it : it.skip;
if (!promtool) console.log('promtool not installed (Debian package prometheus): the promtool rule checks are skipped');

withPromtool('promtool accepts the alerting rules', () => {
  expect(execFileSync('promtool', ['check', 'rules', ALERTS_FILE], { encoding: 'utf8' })).toMatch(/SUCCESS: \d+ rules found/);
});

withPromtool('each failure mode fires its alerts, and only those, at the times the rule unit tests expect', () => {
  const run = spawnSync('promtool', ['test', 'rules', RULE_TESTS], { encoding: 'utf8' });
  expect({ status: run.status, output: run.stdout + run.stderr }).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
});
