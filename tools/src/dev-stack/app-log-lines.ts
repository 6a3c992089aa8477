import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const NOISE = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'name']);

/**
 * One log line of an app for a terminal: a pino JSON line becomes
 * `HH:MM:SS LEVEL message {other fields}`; any other line stays as it is.
 */
export function formatAppLogLine(line: string): string {
  if (!line.startsWith('{')) return line;
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  if (typeof entry['level'] !== 'number') return line;
  const time = typeof entry['time'] === 'number' ? new Date(entry['time']).toISOString().slice(11, 19) : '--:--:--';
  const level = (LEVELS[entry['level']] ?? String(entry['level'])).padEnd(5);
  const rest = Object.fromEntries(Object.entries(entry).filter(([key]) => !NOISE.has(key)));
  const fields = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
  return `${time} ${level} ${String(entry['msg'] ?? '')}${fields}`;
}

/** Writes every line of `stream` through `write`, prefixed with `prefix`. */
export function prefixLines(stream: Readable, prefix: string, write: (line: string) => void, format: (line: string) => string = formatAppLogLine): void {
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => write(`${prefix}${format(line)}`));
}
