import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';

/** A TypeScript script running in a child Node process, its stdout read as JSON lines. */
export interface TsxProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** Every JSON line written so far, in order. */
  readonly lines: Array<Record<string, unknown>>;
  /** Resolves with the first line (already written or still to come) that matches. */
  waitForLine(matches: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resolves when the process exited and its stdout was read to the end. */
  readonly closed: Promise<number | null>;
  stderr(): string;
}

/**
 * Runs `script` with `node --import tsx`: no build step, and no npx or tsx
 * wrapper process in between, so a signal sent to `child` reaches the script.
 */
export function spawnTsx(script: string, args: string[] = []): TsxProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: Array<Record<string, unknown>> = [];
  const listeners = new Set<() => void>();
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  child.stdin.on('error', () => undefined);
  createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => {
    try {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      lines.push({ unparsed: line });
    }
    for (const listener of listeners) listener();
  });
  const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));

  const waitForLine: TsxProcess['waitForLine'] = (matches, timeoutMs = 20_000) =>
    new Promise((resolve, reject) => {
      const check = () => {
        const found = lines.find(matches);
        if (!found) return;
        listeners.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const fail = (why: string) => {
        if (!listeners.delete(check)) return;
        clearTimeout(timer);
        reject(new Error(`${script}: ${why}\nlast lines: ${JSON.stringify(lines.slice(-5))}\nstderr: ${stderr}`));
      };
      const timer = setTimeout(() => fail(`no matching line within ${timeoutMs} ms`), timeoutMs);
      listeners.add(check);
      check();
      void closed.then((code) => fail(`exited (code ${code}) without a matching line`));
    });

  return { child, lines, waitForLine, closed, stderr: () => stderr };
}
