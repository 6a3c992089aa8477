import { startAppProcess, type AppCommand, type AppExit, type AppProcess } from './app-process';

/** What happens when an app dies on its own: restarted after `delayMs`, unless it died `maxRestarts` times within `windowMs`. */
export interface RestartPolicy {
  delayMs: number;
  maxRestarts: number;
  windowMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = { delayMs: 1000, maxRestarts: 5, windowMs: 120_000 };

export interface SupervisorOptions {
  /** Where the app's prefixed log lines and the supervisor's messages go. */
  write(line: string): void;
  policy?: RestartPolicy;
  /** Width the name is padded to in log prefixes, so the apps' lines align. */
  prefixWidth?: number;
  /** Called once when the app died too often: the caller stops everything. */
  onGiveUp(name: string, exit: AppExit): void;
}

/** An app kept running the way an orchestrator would: restarted when it dies, given up on when it keeps dying. */
export interface SupervisedApp {
  readonly name: string;
  /** The pid of the running process (undefined between a death and its restart). */
  pid(): number | undefined;
  /** Every pid this app has had, the current one last. */
  readonly pids: number[];
  /** How many times it was restarted after dying. */
  restarts(): number;
  /** Stops it (SIGTERM, SIGKILL after `graceMs`) and cancels any pending restart. */
  stop(graceMs: number): Promise<void>;
}

export function superviseApp(command: AppCommand, options: SupervisorOptions): SupervisedApp {
  const policy = options.policy ?? DEFAULT_RESTART_POLICY;
  const deaths: number[] = [];
  const pids: number[] = [];
  let current: AppProcess | undefined;
  let pendingRestart: NodeJS.Timeout | undefined;
  let stopping = false;
  let restartCount = 0;
  const banner = (text: string) => options.write(`\n!!! ${command.name} ${text}\n`);

  const start = () => {
    const run = startAppProcess(command, options.write, options.prefixWidth);
    current = run;
    pids.push(run.pid);
    void run.exited.then((exit) => {
      if (current === run) current = undefined;
      if (stopping) return;
      const now = Date.now();
      deaths.push(now);
      while (deaths.length > 0 && deaths[0] < now - policy.windowMs) deaths.shift();
      const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
      if (deaths.length > policy.maxRestarts) {
        banner(`${how} (pid ${run.pid}), its ${deaths.length}th death within ${policy.windowMs / 1000} s: giving up`);
        options.onGiveUp(command.name, exit);
        return;
      }
      banner(`${how} (pid ${run.pid}): restarting it in ${policy.delayMs} ms (death ${deaths.length} of ${policy.maxRestarts + 1} allowed within ${policy.windowMs / 1000} s)`);
      pendingRestart = setTimeout(() => {
        pendingRestart = undefined;
        if (stopping) return;
        restartCount += 1;
        start();
      }, policy.delayMs);
    });
  };
  start();

  return {
    name: command.name,
    pid: () => current?.pid,
    pids,
    restarts: () => restartCount,
    stop: async (graceMs) => {
      stopping = true;
      if (pendingRestart) clearTimeout(pendingRestart);
      await current?.stop(graceMs);
    },
  };
}
