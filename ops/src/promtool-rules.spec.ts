import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ALERTS_FILE, OPS_ROOT } from './ops-artifacts';

const RULE_TESTS = join(OPS_ROOT, 'prometheus', 'eventpath-alerts.test.yml');
// The project's setup (tools/setup/fetch-promtool.sh) extracts promtool here when it is not on the PATH.
const EXTRACTED = join(OPS_ROOT, '..', '.cache', 'prometheus', 'usr', 'bin', 'promtool');
const promtool = spawnSync('promtool', ['--version']).status === 0 ? 'promtool' : existsSync(EXTRACTED) ? EXTRACTED : undefined;

// Without promtool (setup could not download Debian's prometheus package) the checks are
// skipped and say so, except in CI, where a check that did not run must not pass.
const withPromtool = promtool || process.env.CI ? it : it.skip;
if (!promtool) console.log('promtool not found (run `npm run setup`): the promtool rule checks are skipped');

withPromtool('promtool accepts the alerting rules', () => {
  expect(promtool).toBeDefined();
  expect(execFileSync(promtool as string, ['check', 'rules', ALERTS_FILE], { encoding: 'utf8' })).toMatch(/SUCCESS: \d+ rules found/);
});

withPromtool('each failure mode fires its alerts, and only those, at the times the rule unit tests expect', () => {
  expect(promtool).toBeDefined();
  const run = spawnSync(promtool as string, ['test', 'rules', RULE_TESTS], { encoding: 'utf8' });
  expect({ status: run.status, output: run.stdout + run.stderr }).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
});
