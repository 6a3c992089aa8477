import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { eventually } from '@eventpath/dev-infra';
import { BUNDLE_FILE } from '../deployed-apps';

export interface StandaloneAppProcess {
  /** `http://127.0.0.1:<OPS_PORT>` */
  opsUrl: string;
  /** What the process printed so far (for failure messages). */
  output(): string;
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after 10 s; resolves once it has exited. */
  stop(): Promise<void>;
}

/**
 * Starts `node main.cjs` in an installed standalone folder with only `env` (plus PATH),
 * and waits until its /healthz answers 200. Fails with the process's output when it
 * exits first or /healthz does not answer in time.
 */
export async function startStandaloneApp(dir: string, env: Record<string, string>, opsPort: number): Promise<StandaloneAppProcess> {
  const child = spawn(process.execPath, [join(dir, BUNDLE_FILE)], {
    cwd: dir,
    env: { PATH: process.env['PATH'] ?? '', NODE_ENV: 'production', ...env, OPS_PORT: String(opsPort) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let exitedWith: number | string | undefined;
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve((exitedWith = code ?? signal ?? 'unknown'))));
  const opsUrl = `http://127.0.0.1:${opsPort}`;
  const stop = async () => {
    if (exitedWith !== undefined) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  const state = await eventually(
    async () => {
      if (exitedWith !== undefined) return 'exited';
      const response = await fetch(`${opsUrl}/healthz`);
      return response.status === 200 && 'healthy';
    },
    60_000,
    `${dir}/${BUNDLE_FILE} serving /healthz`,
  ).catch((error: Error) => error.message);
  if (state !== 'healthy') {
    await stop();
    throw new Error(`${state === 'exited' ? `exited with ${exitedWith} before /healthz answered` : state}\n--- output ---\n${output}`);
  }
  return { opsUrl, output: () => output, exited, stop };
}
