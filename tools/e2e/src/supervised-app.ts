import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eventually } from '@eventpath/dev-infra';

export const REPO_ROOT = join(__dirname, '..', '..', '..');

/** How long a start may take: tsx compiles the app on every start, which takes a minute and more when the shared machine is loaded. */
const START_TIMEOUT_MS = 180_000;

export interface SupervisedAppOptions {
  /** Short name for logs and the report, e.g. `gateway`. */
  name: string;
  /** The app's entry point relative to the repository root, e.g. `apps/rest-gateway/src/main.ts`. */
  main: string;
  env: Record<string, string>;
  /** Its operations server (`/healthz`), on a fixed port so a restart keeps its address. */
  opsPort: number;
  /** Where its log (every incarnation, appended) is written. */
  logFile: string;
  /** How long after an exit nobody asked for it is started again (an orchestrator's restart delay). Default 500 ms. */
  restartDelayMs?: number;
}

/** An exit nobody asked for: the app crashed or gave up, and was started again. */
export interface UnexpectedExit {
  app: string;
  at: number;
  how: string;
}

/**
 * One app as a process of its own (`node --import tsx main.ts`, as the
 * tests of each app run it), supervised as Kubernetes would: started again
 * when it exits by itself, and SIGKILLed and restarted on request.
 */
export class SupervisedApp {
  readonly unexpectedExits: UnexpectedExit[] = [];
  private child: ChildProcess | undefined;
  private log: WriteStream;
  private incarnation = 0;
  private stopped = false;

  constructor(private readonly options: SupervisedAppOptions) {
    this.log = createWriteStream(options.logFile, { flags: 'a' });
  }

  get name(): string {
    return this.options.name;
  }

  get opsUrl(): string {
    return `http://127.0.0.1:${this.options.opsPort}`;
  }

  /** Starts the process and waits until its operations server answers `/healthz`. */
  async start(timeoutMs = START_TIMEOUT_MS): Promise<void> {
    this.launch();
    await this.healthy(timeoutMs);
  }

  /** SIGKILL (no shutdown code runs), then waits for the exit. */
  async kill(): Promise<void> {
    const running = this.child;
    this.child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  }

  /** A crash and the orchestrator's restart: SIGKILL, start again, wait for `/healthz`. */
  async killAndRestart(timeoutMs = START_TIMEOUT_MS): Promise<void> {
    await this.kill();
    await this.start(timeoutMs);
  }

  async healthy(timeoutMs = START_TIMEOUT_MS): Promise<void> {
    await eventually(async () => (await fetch(`${this.opsUrl}/healthz`)).status === 200, timeoutMs, `${this.name} to answer /healthz`).catch(async (error: Error) => {
      throw new Error(`${error.message}\n--- ${this.name} log (tail) ---\n${await this.logTail()}`);
    });
  }

  async logTail(chars = 6000): Promise<string> {
    const text = await readFile(this.options.logFile, 'utf8').catch(() => '');
    return text.slice(-chars);
  }

  /** Stops supervising and SIGKILLs the process (no guarantee depends on a graceful stop). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.kill();
    await new Promise((resolve) => this.log.end(resolve));
  }

  private launch(): void {
    const incarnation = ++this.incarnation;
    this.log.write(`--- ${this.name} #${incarnation} started ${new Date().toISOString()} ---\n`);
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, this.options.main)], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...this.options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(this.log, { end: false });
    child.stderr?.pipe(this.log, { end: false });
    this.child = child;
    child.once('exit', (code, signal) => {
      if (this.child !== child || this.stopped) return;
      // Nobody asked for this exit: record it and start again, as an orchestrator would.
      this.child = undefined;
      const how = signal ?? `code ${code}`;
      this.unexpectedExits.push({ app: this.name, at: Date.now(), how });
      this.log.write(`--- ${this.name} #${incarnation} exited by itself (${how}); restarting ---\n`);
      setTimeout(() => {
        if (!this.stopped && !this.child) this.launch();
      }, this.options.restartDelayMs ?? 500);
    });
  }
}
