import { spawn } from 'node:child_process';
import { eventually, findFreePort } from '@eventpath/dev-infra';
import { REPO_ROOT, type AppBundles, type AppName } from './app-bundles';

export interface AppProcess {
  readonly app: AppName;
  readonly pid: number;
  /** Base URL of the operations server (/healthz, /readyz, /metrics). */
  readonly opsUrl: string;
  /** What the process wrote to stdout and stderr so far (JSON log lines). */
  output(): string;
  /** Waits until /readyz answers 200. */
  ready(timeoutMs?: number): Promise<void>;
  /** The /metrics answer (Prometheus text format). */
  metrics(): Promise<string>;
  /** SIGTERM, then SIGKILL if it has not exited within 15 s. */
  stop(): Promise<void>;
}

/**
 * Runs an app as its own process from its bundle (see `bundleApps`), with its ops server on a free port; resolves once
 * `/healthz` answers. Apps are composition roots other projects may not import,
 * so the ops checks see them as Prometheus does: a process and its /metrics.
 */
export async function startAppProcess(app: AppName, bundles: AppBundles, env: Record<string, string>): Promise<AppProcess> {
  const opsPort = await findFreePort();
  const child = spawn(process.execPath, [bundles.paths[app]], {
    cwd: REPO_ROOT,
    env: { PATH: process.env['PATH'], NODE_PATH: bundles.nodePath, LOG_LEVEL: 'warn', ...env, OPS_PORT: String(opsPort) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const opsUrl = `http://127.0.0.1:${opsPort}`;
  const stop = async () => {
    if (exited) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exit;
    clearTimeout(killer);
  };
  try {
    await Promise.race([
      eventually(async () => (await fetch(`${opsUrl}/healthz`).catch(() => undefined))?.status === 200, 120_000, `${app} to serve /healthz`).catch((error: Error) => {
        throw new Error(`${error.message}\n${output.slice(-4000)}`);
      }),
      exit.then(() => {
        throw new Error(`${app} exited during start-up:\n${output.slice(-4000)}`);
      }),
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    app,
    pid: child.pid as number,
    opsUrl,
    output: () => output,
    ready: async (timeoutMs = 120_000) => {
      await eventually(async () => (await fetch(`${opsUrl}/readyz`)).status === 200, timeoutMs, `${app} to be ready`).catch((error: Error) => {
        throw new Error(`${error.message}\n${output.slice(-4000)}`);
      });
    },
    metrics: async () => (await fetch(`${opsUrl}/metrics`)).text(),
    stop,
  };
}
