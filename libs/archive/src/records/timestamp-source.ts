import type { DecodedMessage } from '@eventpath/schemas';

/**
 * Where a record's event time comes from:
 * - `{ kind: 'kafka' }`: the Kafka record timestamp (CreateTime or LogAppendTime);
 * - `{ kind: 'field', path }`: a field of the decoded message, `a.b.c` for nested
 *   messages. A `google.protobuf.Timestamp`, an integer (epoch in `unit`, millis
 *   by default) or an RFC 3339 string.
 *
 * `whenMissing: 'kafka'` falls back to the Kafka timestamp when the field is not
 * set (default: the record has no usable timestamp and is dead-lettered).
 */
export type TimestampSourceConfig =
  | { kind: 'kafka' }
  | { kind: 'field'; path: string; unit?: EpochUnit; whenMissing?: 'dead-letter' | 'kafka' };

export type EpochUnit = 'seconds' | 'millis' | 'micros' | 'nanos';

/** The event time in ms, or why there is none. */
export type TimestampResult = { ok: true; ms: number } | { ok: false; reason: string };

/** Earliest and latest instants a partition path can be written for (years 0001 to 9999). */
const MIN_MS = new Date('0001-01-01T00:00:00Z').getTime();
const MAX_MS = new Date('9999-12-31T23:59:59.999Z').getTime();

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

const UNIT_DIVISORS: Record<EpochUnit, bigint> = { seconds: 1n, millis: 1n, micros: 1000n, nanos: 1_000_000n };

/**
 * Reads event times as configured. Zero (an unset proto3 integer or an empty
 * Timestamp) counts as missing: 1970-01-01T00:00:00Z is the default of an
 * unset field far more often than a real event time.
 */
export class TimestampSource {
  private readonly path: string[];

  constructor(readonly config: TimestampSourceConfig) {
    this.path = config.kind === 'field' ? config.path.split('.') : [];
    if (config.kind === 'field' && (config.path.length === 0 || this.path.some((p) => p.length === 0))) {
      throw new RangeError(`timestamp field path ${JSON.stringify(config.path)} has an empty segment`);
    }
  }

  /** The event time of one record: its decoded message and its Kafka timestamp (ms, as kafkajs gives it). */
  read(message: DecodedMessage, kafkaTimestamp: string): TimestampResult {
    if (this.config.kind === 'kafka') return fromKafka(kafkaTimestamp);
    let value: unknown = message;
    for (const segment of this.path) {
      if (value === null || value === undefined || typeof value !== 'object') {
        value = undefined;
        break;
      }
      value = (value as Record<string, unknown>)[segment];
    }
    const result = this.fromValue(value);
    if (!result.ok && result.reason.startsWith('missing') && this.config.whenMissing === 'kafka') return fromKafka(kafkaTimestamp);
    return result;
  }

  private fromValue(value: unknown): TimestampResult {
    const field = this.config.kind === 'field' ? this.config.path : '';
    if (value === undefined || value === null) return { ok: false, reason: `missing: field ${field} is not set` };
    if (typeof value === 'bigint' || typeof value === 'number') {
      if (typeof value === 'number' && !Number.isFinite(value)) return { ok: false, reason: `field ${field} is ${value}` };
      if (value === 0 || value === 0n) return { ok: false, reason: `missing: field ${field} is 0 (unset)` };
      const unit = this.config.kind === 'field' ? (this.config.unit ?? 'millis') : 'millis';
      const ms = epochToMs(value, unit);
      return inRange(ms, field);
    }
    if (typeof value === 'string') {
      if (value === '') return { ok: false, reason: `missing: field ${field} is an empty string` };
      const match = RFC3339.exec(value);
      const ms = match ? Date.parse(value.replace(' ', 'T')) : Number.NaN;
      if (!match || Number.isNaN(ms)) return { ok: false, reason: `field ${field}: ${JSON.stringify(value.slice(0, 64))} is not an RFC 3339 timestamp` };
      return inRange(ms, field);
    }
    if (typeof value === 'object' && 'seconds' in value) {
      const { seconds, nanos } = value as { seconds: bigint | number; nanos?: number };
      const s = BigInt(seconds);
      const n = nanos ?? 0;
      if (s === 0n && n === 0) return { ok: false, reason: `missing: Timestamp field ${field} is empty (0 seconds, 0 nanos)` };
      if (n < 0 || n > 999_999_999) return { ok: false, reason: `Timestamp field ${field} has nanos ${n} outside 0..999999999` };
      return inRange(Number(s) * 1000 + Math.floor(n / 1_000_000), field);
    }
    return { ok: false, reason: `field ${field} is not a Timestamp, an integer or an RFC 3339 string` };
  }
}

function fromKafka(timestamp: string): TimestampResult {
  const ms = Number(timestamp);
  if (!Number.isFinite(ms) || ms < 0) return { ok: false, reason: `the Kafka record has no timestamp (${timestamp})` };
  return inRange(ms, 'Kafka timestamp');
}

function epochToMs(value: bigint | number, unit: EpochUnit): number {
  if (typeof value === 'number') {
    if (unit === 'seconds') return value * 1000;
    if (unit === 'millis') return Math.floor(value);
    return Math.floor(value / Number(UNIT_DIVISORS[unit]));
  }
  if (unit === 'seconds') return Number(value * 1000n);
  return Number(value / UNIT_DIVISORS[unit]);
}

function inRange(ms: number, what: string): TimestampResult {
  if (!(ms >= MIN_MS && ms <= MAX_MS)) return { ok: false, reason: `${what}: ${ms} ms is outside the years 0001-9999` };
  return { ok: true, ms };
}
