import { v7 as uuidv7 } from 'uuid';

/** Longest event id a producer may give. */
export const MAX_EVENT_ID_LENGTH = 128;

/** Visible ASCII only: ids travel in Kafka headers, Redis fields and Parquet columns, and appear in logs. */
const EVENT_ID = /^[\x21-\x7e]+$/;

/** A new event id: a UUIDv7, so ids sort by creation time. */
export function newEventId(): string {
  return uuidv7();
}

/** Why `id` cannot be an event id, or undefined when it can. */
export function eventIdProblem(id: unknown): string | undefined {
  if (typeof id !== 'string') return `must be a string, got ${describeJson(id)}`;
  if (id.length === 0) return 'must not be empty';
  if (id.length > MAX_EVENT_ID_LENGTH) return `must be at most ${MAX_EVENT_ID_LENGTH} characters, got ${id.length}`;
  if (!EVENT_ID.test(id)) return 'must be visible ASCII characters (no spaces or control characters)';
  return undefined;
}

/** A short description of a JSON value's type for error messages. */
export function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}
