import { kcat } from '@eventpath/dev-infra';
import type { TestEvent } from './test-events';

/** A record as kcat (librdkafka, a client independent of kafkajs) reads it. */
export interface StoredRecord {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  /** Name/value pairs in stored order (repeated names repeated). */
  headers: Array<[string, string]>;
  timestamp: number;
}

interface KcatJson {
  partition: number;
  offset: number;
  ts: number;
  key: string | null;
  payload: string | null;
  headers?: string[];
}

/** Every record of `topic`, from the beginning to the current end of each partition. */
export async function readTopic(bootstrap: string, topic: string): Promise<StoredRecord[]> {
  const output = await kcat(bootstrap, ['-C', '-t', topic, '-e', '-J', '-q'], undefined, 60_000);
  return output
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const record = JSON.parse(line) as KcatJson;
      const headers: Array<[string, string]> = [];
      for (let i = 0; i + 1 < (record.headers ?? []).length; i += 2) headers.push([record.headers![i], record.headers![i + 1]]);
      return { partition: record.partition, offset: record.offset, key: record.key, value: record.payload, headers, timestamp: record.ts };
    });
}

export function header(record: StoredRecord, name: string): string | undefined {
  return record.headers.find(([n]) => n === name)?.[1];
}

/** The event's headers as kcat prints them: repeated headers as repeated pairs. */
export function expectedHeaders(event: TestEvent): Array<[string, string]> {
  return Object.entries(event.headers).flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((v): [string, string] => [name, v]));
}

/** How many times each id occurs among the records (by the id header). */
export function countIds(records: StoredRecord[], idHeader: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const record of records) {
    const id = header(record, idHeader);
    if (id !== undefined) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

/** Ids of `events` that are not among the records, and how many records are extra copies. */
export function completeness(events: TestEvent[], records: StoredRecord[], idHeader: string): { missing: string[]; duplicates: number } {
  const counts = countIds(records, idHeader);
  const missing = events.filter((e) => !counts.has(e.id)).map((e) => e.id);
  let duplicates = 0;
  for (const n of counts.values()) duplicates += n - 1;
  return { missing, duplicates };
}
