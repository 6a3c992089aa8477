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

/** Field/value pairs of one stream entry, and the bytes it counts for. */
export function encodeEvent(event: FailoverEvent, now: number): { fields: Array<string | Buffer>; bytes: number } {
  if (typeof event.id !== 'string' || event.id.length === 0) {
    throw new InvalidFailoverEventError('every event needs a non-empty string id');
  }
  if (!Buffer.isBuffer(event.value) && typeof event.value !== 'string') {
    throw new InvalidFailoverEventError(`event ${event.id}: value must be a Buffer or a string`);
  }
  const timestamp = event.timestamp ?? now;
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new InvalidFailoverEventError(`event ${event.id}: timestamp must be epoch milliseconds, got ${timestamp}`);
  }
  let bytes = Buffer.byteLength(event.id) + Buffer.byteLength(event.value);
  const fields: Array<string | Buffer> = ['id', event.id, 'ts', String(timestamp), 'v', event.value];
  if (event.key !== undefined && event.key !== null) {
    fields.push('k', event.key);
    bytes += Buffer.byteLength(event.key);
  }
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (!Buffer.isBuffer(value) && typeof value !== 'string') {
      throw new InvalidFailoverEventError(`event ${event.id}: header ${name} must be a Buffer or a string`);
    }
    fields.push(HEADER_PREFIX + name, value);
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value);
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
