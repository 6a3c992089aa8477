import type { DraftEvent } from '../events/draft-event';
import { RESERVED_HEADER_PREFIX } from '../events/event-headers';
import { describeJson } from '../events/event-id';
import type { IngestLimits } from '../events/ingest-limits';
import type { EventProblem } from '../events/ingest-request-error';

const FIELDS = new Set(['value', 'id', 'key', 'headers', 'timestamp']);
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * One event of the native API, as JSON: `{ value, id?, key?, headers?, timestamp? }`.
 * `value` is any JSON value but null; `id` a string; `key` a string or null;
 * `headers` an object of strings; `timestamp` epoch milliseconds or an
 * RFC 3339 string. Unknown fields are refused, so a misspelt `vaule` is not
 * silently dropped. Problems go to `problems` with the event's index.
 */
export function nativeEventFromJson(input: unknown, index: number, limits: IngestLimits, problems: EventProblem[]): DraftEvent | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    problems.push({ index, message: `an event must be a JSON object with a "value", got ${describeJson(input)}` });
    return undefined;
  }
  const object = input as Record<string, unknown>;
  const before = problems.length;
  const id = typeof object['id'] === 'string' ? object['id'] : undefined;
  const problem = (field: string, message: string) => problems.push({ index, id, field, message });
  for (const field in object) {
    if (!FIELDS.has(field)) problem(field, 'unknown field (an event has value, id, key, headers and timestamp)');
  }
  const value = object['value'];
  if (value === undefined) problem('value', 'is required');
  else if (value === null) problem('value', 'must not be null');
  if (object['id'] !== undefined && typeof object['id'] !== 'string') problem('id', `must be a string, got ${describeJson(object['id'])}`);
  const key = object['key'];
  if (key !== undefined && key !== null && typeof key !== 'string') problem('key', `must be a string or null, got ${describeJson(key)}`);
  const headers = headersFromJson(object['headers'], limits, problem);
  const timestamp = timestampFromJson(object['timestamp'], problem);
  if (problems.length > before) return undefined;
  return {
    id,
    key: typeof key === 'string' ? Buffer.from(key) : null,
    value: { json: value },
    headers,
    timestamp,
  };
}

function headersFromJson(
  input: unknown,
  limits: IngestLimits,
  problem: (field: string, message: string) => void,
): Record<string, string> | undefined {
  if (input === undefined || input === null) return undefined;
  if (typeof input !== 'object' || Array.isArray(input)) {
    problem('headers', `must be an object of header names to string values, got ${describeJson(input)}`);
    return undefined;
  }
  const names = Object.keys(input);
  if (names.length > limits.maxHeadersPerEvent) {
    problem('headers', `${names.length} headers, more than the limit of ${limits.maxHeadersPerEvent}`);
    return undefined;
  }
  const headers: Record<string, string> = {};
  for (const name of names) {
    const value = (input as Record<string, unknown>)[name];
    const field = `headers.${name}`;
    if (name.length === 0) problem('headers', 'a header name must not be empty');
    else if (name.toLowerCase().startsWith(RESERVED_HEADER_PREFIX)) problem(field, `names starting with "${RESERVED_HEADER_PREFIX}" are reserved for the gateway`);
    else if (typeof value !== 'string') problem(field, `must be a string, got ${describeJson(value)}`);
    else if (Buffer.byteLength(name) + Buffer.byteLength(value) > limits.maxHeaderBytes) {
      problem(field, `name and value are more than the limit of ${limits.maxHeaderBytes} bytes`);
    } else headers[name] = value;
  }
  return headers;
}

function timestampFromJson(input: unknown, problem: (field: string, message: string) => void): number | undefined {
  if (input === undefined || input === null) return undefined;
  if (typeof input === 'number') {
    if (Number.isSafeInteger(input) && input >= 0) return input;
    problem('timestamp', `must be epoch milliseconds (a non-negative integer) or an RFC 3339 string, got ${input}`);
    return undefined;
  }
  if (typeof input === 'string' && RFC3339.test(input)) {
    const ms = Date.parse(input);
    if (Number.isFinite(ms) && ms >= 0) return ms;
  }
  problem('timestamp', `must be epoch milliseconds or an RFC 3339 string such as "2024-05-01T12:00:00Z", got ${describeJson(input)}`);
  return undefined;
}
