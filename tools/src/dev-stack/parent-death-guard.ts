import { spawn } from 'node:child_process';

/** Runs a shell command when this process dies, however it dies; `disarm()` once the guarded thing is stopped. */
export interface ParentDeathGuard {
  disarm(): void;
}

/**
 * A shell whose `read` blocks on a pipe from this process and, once the pipe
 * closes because this process died (even by SIGKILL), runs `script` with
 * `args` as `$1`, `$2`, ... For what the dev stack starts that would outlive
 * it otherwise: the apps' process groups, redis-server.
 */
export function startParentDeathGuard(script: string, args: string[]): ParentDeathGuard {
  const guard = spawn('sh', ['-c', `read _ignored; ${script}`, 'eventpath-guard', ...args], { stdio: ['pipe', 'ignore', 'ignore'] });
  guard.on('error', () => undefined);
  return {
    disarm: () => {
      guard.kill('SIGKILL');
      guard.stdin?.destroy();
    },
  };
}
