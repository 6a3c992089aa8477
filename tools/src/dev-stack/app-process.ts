import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { prefixLines } from './app-log-lines';
import { startParentDeathGuard } from './parent-death-guard';

/** How one app of the pipeline is run: `node --import tsx <entry>` with `env`. */
export interface AppCommand {
  /** Its name in log prefixes and messages (`rest-gateway`). */
  name: string;
  /** The app's `main.ts`, absolute or relative to `cwd`. */
  entry: string;
  /** The repository root (tsx finds tsconfig.base.json's paths from there). */
  cwd: string;
  /** The whole environment of the process. */
  env: NodeJS.ProcessEnv;
}

export interface AppExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One run of an app; a restart is another AppProcess. */
export interface AppProcess {
  readonly name: string;
  readonly pid: number;
  readonly exited: Promise<AppExit>;
  /** SIGTERM to the app's process group, SIGKILL after `graceMs`; resolves once it exited. */
  stop(graceMs: number): Promise<AppExit>;
}

/**
 * Starts the app in a process group of its own, so that a stop reaches
 * whatever it spawned, and its log lines go to `write` prefixed with its
 * name. A guard shell (`read` blocks until our end of its stdin closes) kills
 * the group when this process dies without stopping it, even by SIGKILL.
 */
export function startAppProcess(command: AppCommand, write: (line: string) => void, prefixWidth = command.name.length): AppProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', command.entry], {
    cwd: command.cwd,
    env: command.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  if (child.pid === undefined) throw new Error(`${command.name} did not start: ${command.entry}`);
  const pid = child.pid;
  const guard = startParentDeathGuard('kill -9 -"$1" 2>/dev/null', [String(pid)]);
  const prefix = `${command.name.padEnd(prefixWidth)} | `;
  prefixLines(child.stdout as NonNullable<ChildProcess['stdout']>, prefix, write);
  prefixLines(child.stderr as NonNullable<ChildProcess['stderr']>, prefix, write);
  const exited: Promise<AppExit> = once(child, 'exit').then(([code, signal]) => {
    // The app is gone; its group may still hold a child it spawned.
    signalGroup(pid, 'SIGKILL');
    guard.disarm();
    return { code: code as number | null, signal: signal as NodeJS.Signals | null };
  });
  return {
    name: command.name,
    pid,
    exited,
    stop: async (graceMs) => {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      signalGroup(pid, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // The group is gone already.
  }
}
