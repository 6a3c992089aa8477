import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT, type DeployedApp } from '../deployed-apps';

/** Runs `nx build` for the apps (Nx's cache makes an unchanged app free); throws with Nx's output when one fails. */
export function buildStandaloneApps(apps: readonly DeployedApp[]): void {
  const result = spawnSync(join(REPO_ROOT, 'node_modules', '.bin', 'nx'), ['run-many', '-t', 'build', '-p', apps.map((a) => a.name).join(','), '--outputStyle=static'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, NX_DAEMON: 'false' },
    timeout: 300_000,
  });
  if (result.status !== 0) throw new Error(`nx build failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
}
