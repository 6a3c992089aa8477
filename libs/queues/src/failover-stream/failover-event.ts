import { InvalidFailoverEventError } from '../errors';

/** An event as the gateway hands it to the failover stream. */
export interface FailoverEvent {
  /** The event id, carried through every hop so duplicates can be removed downstream. */
  id: string;
  value: Buffer | string;
  /** The Kafka message key; none when null or unset. */
  key?: Buffer | string | null;
  headers?: Record<string, Buffer | string>;
  /** Milliseconds since the epoch; the time of the append when unset. */
  timestamp?: number;
}

/** An event read back from the failover stream. */
export interface FailoverEntry {
  /** The Redis Stream entry id, which `ack` takes. */
  streamId: string;
  id: string;
  value: Buffer;
  key: Buffer | null;
  headers: Record<string, Buffer>;
  timestamp: number;
  /** Bytes counted against the stream's byte cap. */
  bytes: number;
}

const HEADER_PREFIX = 'h:';

/**
 * Most headers any event may have. The append script passes an entry's
 * fields to one XADD through Lua's `unpack`, which takes at most ~8000
 * values; with the five fixed fields (id, ts, v, k, n) an entry then has at
 * most 2005 field/value pairs, well inside that.
 */
export const MAX_HEADERS_PER_EVENT = 2000;
/** Field/value pairs an entry has besides its headers, at most: id, ts, v, k, n. */
export const FIXED_FIELDS_PER_ENTRY = 5;

/** What the writer checks every event against before anything is sent to Redis. */
export interface FailoverEventLimits {
  /** Most bytes of id, key, value and header names and values together (the entry's `n`). */
  maxEventBytes: number;
  /** Most headers of one event; at most {@link MAX_HEADERS_PER_EVENT}. */
  maxHeadersPerEvent: number;
  /** Most bytes of one header's name and value together. */
  maxHeaderBytes: number;
}

export const DEFAULT_EVENT_LIMITS: FailoverEventLimits = {
  maxEventBytes: 1024 * 1024,
  maxHeadersPerEvent: 1000,
  maxHeaderBytes: 64 * 1024,
};

const isBytes = (value: unknown): value is Buffer | string => Buffer.isBuffer(value) || typeof value === 'string';

/**
 * Field/value pairs of one stream entry, and the bytes it counts for.
 * Throws {@link InvalidFailoverEventError} naming the event's position in
 * the call (`index`) and the field at fault.
 */
export function encodeEvent(
  event: FailoverEvent,
  index: number,
  now: number,
  limits: FailoverEventLimits,
): { fields: Array<string | Buffer>; bytes: number } {
  const hasId = typeof event?.id === 'string' && event.id.length > 0;
  const invalid = (field: string, problem: string, label = field) =>
    new InvalidFailoverEventError(`event ${index}${hasId ? ` (id ${JSON.stringify(event.id)})` : ''}: ${label}: ${problem}`, {
      eventIndex: index,
      field,
    });
  if (typeof event !== 'object' || event === null) throw invalid('event', 'must be an object');
  if (!hasId) throw invalid('id', 'must be a non-empty string');
  if (!isBytes(event.value)) throw invalid('value', 'must be a Buffer or a string');
  const timestamp = event.timestamp ?? now;
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw invalid('timestamp', `must be epoch milliseconds, got ${timestamp}`);
  const hasKey = event.key !== undefined && event.key !== null;
  if (hasKey && !isBytes(event.key)) throw invalid('key', 'must be a Buffer, a string, null or unset');
  const headers = event.headers ?? {};
  if (typeof headers !== 'object' || headers === null) throw invalid('headers', 'must be an object of header names to values');
  const headerNames = Object.keys(headers);
  if (headerNames.length > limits.maxHeadersPerEvent) {
    throw invalid('headers', `${headerNames.length} headers, more than maxHeadersPerEvent ${limits.maxHeadersPerEvent}`);
  }

  let bytes = Buffer.byteLength(event.id) + Buffer.byteLength(event.value);
  const fields: Array<string | Buffer> = ['id', event.id, 'ts', String(timestamp), 'v', event.value];
  if (hasKey) {
    fields.push('k', event.key as Buffer | string);
    bytes += Buffer.byteLength(event.key as Buffer | string);
  }
  for (const name of headerNames) {
    const value = headers[name];
    const label = `header ${JSON.stringify(name)}`;
    if (!isBytes(value)) throw invalid(`headers.${name}`, 'must be a Buffer or a string', label);
    const headerBytes = Buffer.byteLength(name) + Buffer.byteLength(value);
    if (headerBytes > limits.maxHeaderBytes) {
      throw invalid(`headers.${name}`, `${headerBytes} bytes, more than maxHeaderBytes ${limits.maxHeaderBytes}`, label);
    }
    fields.push(HEADER_PREFIX + name, value);
    bytes += headerBytes;
  }
  if (bytes > limits.maxEventBytes) {
    throw invalid('event', `${bytes} bytes (id, key, value and headers), more than maxEventBytes ${limits.maxEventBytes}`);
  }
  fields.push('n', String(bytes));
  return { fields, bytes };
}

/** The entry as XREADGROUP/XAUTOCLAIM return it with Buffer replies: id and a flat field list. */
export function decodeEntry(streamId: Buffer | string, fields: Buffer[]): FailoverEntry {
  const entry: FailoverEntry = {
    streamId: streamId.toString(),
    id: '',
    value: Buffer.alloc(0),
    key: null,
    headers: {},
    timestamp: 0,
    bytes: 0,
  };
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const name = fields[i].toString();
    const value = fields[i + 1];
    if (name === 'id') entry.id = value.toString();
    else if (name === 'v') entry.value = value;
    else if (name === 'k') entry.key = value;
    else if (name === 'ts') entry.timestamp = Number(value.toString());
    else if (name === 'n') entry.bytes = Number(value.toString());
    else if (name.startsWith(HEADER_PREFIX)) entry.headers[name.slice(HEADER_PREFIX.length)] = value;
  }
  return entry;
}
