import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/**
 * kcat (Debian package, installed by the project's setup) is built on
 * librdkafka, a Kafka client independent of kafkajs: what it reads back is
 * what the broker stored, not what kafkajs believes it sent.
 */
export interface KcatRecord {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  payload: string | null;
  /** Alternating names and values, as kcat prints them. */
  headers?: string[];
}

const run = promisify(execFile);

/** Runs kcat against `bootstrap` with `args`, feeding `input` on stdin; resolves with its stdout. */
export async function kcat(bootstrap: string, args: string[], input?: string, timeoutMs = 20_000): Promise<string> {
  const child = run('kcat', ['-b', bootstrap, ...args], { timeout: timeoutMs, maxBuffer: 64 << 20 });
  child.child.stdin?.end(input);
  return (await child).stdout;
}

/** Every record of `topic` from the beginning to the current end (`kcat -C -e -J`). */
export async function kcatReadAll(bootstrap: string, topic: string, extraArgs: string[] = []): Promise<KcatRecord[]> {
  const output = await kcat(bootstrap, ['-C', '-t', topic, '-e', '-J', '-q', ...extraArgs]);
  return output
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as KcatRecord);
}
