import { execFile } from 'node:child_process';
import { EVENT_ID_HEADER } from '@eventpath/ingest';
import { failoverStreamKeys } from '@eventpath/queues';
import { kcatReadAll } from '@eventpath/dev-infra';
import Redis from 'ioredis';

/** A record of a fronting topic as kcat (librdkafka, a client independent of kafkajs) read it. */
export interface StoredRecord {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  timestamp: number;
}

/** Every record of `topic`, read with kcat. */
export async function readTopic(bootstrap: string, topic: string): Promise<StoredRecord[]> {
  const records = await kcatReadAll(bootstrap, topic);
  return records.map((record) => {
    const headers: Record<string, string> = {};
    const pairs = record.headers ?? [];
    for (let i = 0; i + 1 < pairs.length; i += 2) headers[pairs[i]] = pairs[i + 1];
    return {
      partition: record.partition,
      offset: record.offset,
      key: record.key,
      value: record.payload,
      headers,
      timestamp: (record as unknown as { ts: number }).ts,
    };
  });
}

/** The event ids of a topic's records (from their `eventpath-event-id` header). */
export async function idsInTopic(bootstrap: string, topic: string): Promise<Set<string>> {
  return new Set((await readTopic(bootstrap, topic)).map((record) => record.headers[EVENT_ID_HEADER]));
}

/** Values and keys as exact bytes (protobuf), read with kcat, by `partition/offset`. */
export async function readTopicBytes(bootstrap: string, topic: string): Promise<Map<string, { key: Buffer | null; value: Buffer | null }>> {
  const output = await new Promise<Buffer>((resolve, reject) => {
    const child = execFile(
      'kcat',
      ['-b', bootstrap, '-C', '-t', topic, '-e', '-q', '-f', '%p %o %K %S\n%k%s'],
      { encoding: 'buffer', timeout: 20_000, maxBuffer: 64 << 20 },
      (error, stdout) => (error ? reject(error) : resolve(stdout)),
    );
    child.stdin?.end();
  });
  const records = new Map<string, { key: Buffer | null; value: Buffer | null }>();
  let at = 0;
  while (at < output.length) {
    const newline = output.indexOf(0x0a, at);
    const [partition, offset, keyLength, valueLength] = output.subarray(at, newline).toString().split(' ').map(Number);
    at = newline + 1;
    const key = keyLength >= 0 ? output.subarray(at, at + keyLength) : null;
    at += Math.max(keyLength, 0);
    const value = valueLength >= 0 ? output.subarray(at, at + valueLength) : null;
    at += Math.max(valueLength, 0);
    records.set(`${partition}/${offset}`, { key, value });
  }
  return records;
}

/** An entry of a topic's Redis failover stream. */
export interface StreamEntry {
  id: string;
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
  timestamp: number;
}

/** Every entry of the topic's failover stream (XRANGE), in order. */
export async function readFailoverStream(redisUrl: string, topic: string): Promise<StreamEntry[]> {
  const redis = new Redis(redisUrl, { lazyConnect: true });
  try {
    await redis.connect();
    const raw = (await redis.xrangeBuffer(failoverStreamKeys(topic).stream, '-', '+')) as Array<[Buffer, Buffer[]]>;
    return raw.map(([, fields]) => {
      const entry: StreamEntry = { id: '', key: null, value: Buffer.alloc(0), headers: {}, timestamp: 0 };
      for (let i = 0; i + 1 < fields.length; i += 2) {
        const name = fields[i].toString();
        const value = fields[i + 1];
        if (name === 'id') entry.id = value.toString();
        else if (name === 'k') entry.key = value.toString();
        else if (name === 'v') entry.value = value;
        else if (name === 'ts') entry.timestamp = Number(value.toString());
        else if (name.startsWith('h:')) entry.headers[name.slice(2)] = value.toString();
      }
      return entry;
    });
  } finally {
    redis.disconnect();
  }
}

/** The event ids in a topic's failover stream. */
export async function idsInFailoverStream(redisUrl: string, topic: string): Promise<Set<string>> {
  return new Set((await readFailoverStream(redisUrl, topic)).map((entry) => entry.id));
}
