import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const MAIN = join(__dirname, '..', 'main.ts');

/** The rest-gateway as a process of its own (main.ts, as deployed), so a test can SIGKILL it. */
export interface GatewayProcess {
  readonly child: ChildProcess;
  /** Base URL of its ingest API, once it listens. */
  readonly url: string;
  /** Lines it logged at warn and above. */
  readonly problems: string[];
  /** SIGKILL, then waits for the exit. */
  kill(): Promise<void>;
}

/** Starts main.ts with `env` (and LOG_LEVEL=info, to see it listen) and resolves once it serves. */
export async function startGatewayProcess(env: Record<string, string>, readyTimeoutMs = 60_000): Promise<GatewayProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { ...process.env, ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const problems: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the gateway process did not listen within ${readyTimeoutMs} ms`)), readyTimeoutMs);
    // 'close' comes after the output was read, so the reason is in `problems`.
    child.once('close', (code, signal) => reject(new Error(`the gateway process exited (${code ?? signal}) before it listened: ${problems.join('\n')}`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      let entry: { level?: number; msg?: string; httpPort?: number };
      try {
        entry = JSON.parse(line);
      } catch {
        return;
      }
      if ((entry.level ?? 0) >= 40) problems.push(line);
      if (entry.msg === 'rest-gateway listening' && entry.httpPort) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${entry.httpPort}`);
      }
    });
  }).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  return {
    child,
    url,
    problems,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
