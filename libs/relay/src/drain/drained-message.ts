import type { IHeaders, Message } from 'kafkajs';
import type { FailoverEntry } from '@eventpath/queues';

/**
 * The Kafka record for an event the gateway put in the failover stream:
 * its key, value, headers and timestamp as the gateway gave them, and its
 * event id in `idHeader` (added only when the gateway's headers lack it, so
 * a record drained from Redis looks like one the gateway wrote to Kafka).
 */
export function drainedMessage(entry: FailoverEntry, idHeader: string): Message {
  const headers: IHeaders = { ...entry.headers };
  if (headers[idHeader] === undefined) headers[idHeader] = entry.id;
  return { key: entry.key, value: entry.value, headers, timestamp: String(entry.timestamp) };
}
