import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { workerMetric } from './prometheus-text';

const MAIN = join(__dirname, '..', 'main.ts');
const REPO_ROOT = join(__dirname, '..', '..', '..', '..');

/** The worker's own main.ts in a process of its own, so a test can SIGKILL it. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  /** The operations server's URL, once the worker logged it. */
  readonly opsUrl: Promise<string>;
  /** Resolves with the exit code (or signal) once the process ended. */
  readonly exited: Promise<number | NodeJS.Signals | null>;
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  /** SIGKILL, then waits for the exit: a crash. */
  kill(): Promise<void>;
  /** SIGTERM, then waits for the exit: a rolling restart. */
  stop(): Promise<number | NodeJS.Signals | null>;
}

/** Starts `node --import tsx apps/fronting-worker/src/main.ts` with `env` (LOG_LEVEL at least info: the ops port is read from the log). */
export function startWorkerProcess(env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, LOG_LEVEL: env['LOG_LEVEL'] === 'silent' ? 'info' : env['LOG_LEVEL'] },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  const opsUrl = new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      if (process.env['WORKER_TEST_LOG']) process.stderr.write(`[worker ${child.pid}] ${line}\n`);
      try {
        const entry = JSON.parse(line) as { msg?: string; opsPort?: number };
        if (entry.msg === 'operations server listening' && entry.opsPort) resolve(`http://127.0.0.1:${entry.opsPort}`);
      } catch {
        // not a log line
      }
    });
    void exited.then((how) => reject(new Error(`the worker exited (${how}) before its operations server listened`)));
  });
  opsUrl.catch(() => undefined);
  return {
    child,
    opsUrl,
    exited,
    metric: async (name, labels) => workerMetric(await opsUrl, name, labels),
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
