import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eventually, findFreePort } from '@eventpath/dev-infra';
import { archiverBundle } from './archiver-bundle';

export interface ArchiverProcess {
  readonly pid: number;
  readonly opsUrl: string;
  /** Everything the process wrote to stdout and stderr (JSON log lines). */
  output(): string;
  /** Resolves with the exit code (or signal) when the process ends. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Waits until /readyz answers 200 (every group has assigned partitions). */
  ready(timeoutMs?: number): Promise<void>;
  /** The process's current resident set size, bytes (from /proc). */
  rss(): Promise<number>;
  /** Peak resident set size so far (VmHWM), bytes. */
  peakRss(): Promise<number>;
  metrics(): Promise<string>;
  /** SIGKILL: no shutdown code runs. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
}

/**
 * Runs the archiver bundle as its own process on a configuration file (JSON),
 * with its ops server on a free port.
 */
export async function startArchiverProcess(options: {
  configFile: Record<string, unknown>;
  directory: string;
  name: string;
  env?: NodeJS.ProcessEnv;
  nodeOptions?: string[];
}): Promise<ArchiverProcess> {
  const bundle = await archiverBundle();
  const port = await findFreePort();
  const configPath = join(options.directory, `${options.name}.json`);
  await writeFile(configPath, JSON.stringify({ ...options.configFile, ops: { port } }, null, 2));
  const child: ChildProcess = spawn(process.execPath, [...(options.nodeOptions ?? []), bundle], {
    env: {
      PATH: process.env['PATH'],
      NODE_PATH: join(__dirname, '..', '..', '..', '..', 'node_modules'),
      ARCHIVER_CONFIG: configPath,
      LOG_LEVEL: 'info',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const opsUrl = `http://127.0.0.1:${port}`;
  const pid = child.pid as number;
  const status = async (field: string) => {
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
    return match ? Number(match[1]) * 1024 : 0;
  };
  let ended = false;
  void exited.then(() => (ended = true));
  return {
    pid,
    opsUrl,
    output: () => output,
    exited,
    ready: async (timeoutMs = 60_000) => {
      await eventually(
        async () => {
          if (ended) throw new Error(`the archiver exited before it was ready:\n${output.slice(-4000)}`);
          return (await fetch(`${opsUrl}/readyz`)).status === 200;
        },
        timeoutMs,
        `archiver ${options.name} to be ready`,
      ).catch((error: Error) => {
        throw new Error(`${error.message}\n${output.slice(-4000)}`);
      });
    },
    rss: () => status('VmRSS'),
    peakRss: () => status('VmHWM'),
    metrics: async () => (await fetch(`${opsUrl}/metrics`)).text(),
    kill: async () => {
      if (!ended) child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (!ended) child.kill('SIGTERM');
      await exited;
    },
  };
}
