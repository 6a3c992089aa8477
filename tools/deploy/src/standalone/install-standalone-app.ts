import { execFile } from 'node:child_process';
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { DeployedApp } from '../deployed-apps';

const run = promisify(execFile);

/**
 * Copies the app's standalone folder to a fresh temp dir outside the repository (so no
 * workspace node_modules can be found by walking up) and installs exactly its locked
 * production dependencies, as the Dockerfile's runtime stage does. Returns the folder.
 */
export async function installStandaloneApp(app: DeployedApp): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `eventpath-standalone-${app.name}-`));
  await cp(app.distDir, dir, { recursive: true });
  try {
    await run('npm', ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`npm ci in ${dir} failed: ${(error as Error).message}\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
  return dir;
}
