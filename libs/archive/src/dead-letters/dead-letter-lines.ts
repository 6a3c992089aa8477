import { OffsetRuns } from '../offsets/offset-runs';
import type { DeadLetter, DeadLetterReason } from './dead-letter';

/** One dead letter as a JSON line: bytes in base64, everything needed to replay the record. */
export interface DeadLetterLine {
  topic: string;
  partition: number;
  offset: string;
  timestamp: string;
  /** base64, null for none. */
  key: string | null;
  /** base64, null for a tombstone. */
  value: string | null;
  /** Header name and base64 value pairs, in record order (names may repeat). */
  headers: Array<[string, string]>;
  reason: DeadLetterReason;
  detail: string;
  deadLetteredAt: string;
}

export function toDeadLetterLines(records: DeadLetter[], now: Date = new Date()): string {
  return records
    .map((record) => {
      const line: DeadLetterLine = {
        topic: record.topic,
        partition: record.partition,
        offset: record.offset,
        timestamp: record.timestamp,
        key: record.key === null ? null : record.key.toString('base64'),
        value: record.value === null ? null : record.value.toString('base64'),
        headers: record.headers.map(([name, value]) => [name, value.toString('base64')]),
        reason: record.reason,
        detail: record.detail,
        deadLetteredAt: now.toISOString(),
      };
      return `${JSON.stringify(line)}\n`;
    })
    .join('');
}

/** Parses JSON lines written by toDeadLetterLines. */
export function parseDeadLetterLines(text: string): DeadLetterLine[] {
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as DeadLetterLine);
}

/** The offsets a dead-letter object holds, read from its lines. */
export function offsetsOfDeadLetterLines(lines: DeadLetterLine[]): OffsetRuns {
  const runs = new OffsetRuns();
  for (const offset of lines.map((l) => Number(l.offset)).sort((a, b) => a - b)) if (runs.last === undefined || offset > runs.last) runs.add(offset);
  return runs;
}

/** `reason=count` pairs, e.g. `undecodable=3,no-timestamp=1`. */
export function reasonCounts(records: DeadLetter[]): string {
  const counts = new Map<string, number>();
  for (const record of records) counts.set(record.reason, (counts.get(record.reason) ?? 0) + 1);
  return [...counts].map(([reason, count]) => `${reason}=${count}`).join(',');
}
