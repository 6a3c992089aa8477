import { ValueProblem } from '../codec/value-problem';

// google.protobuf.Timestamp is limited to years 0001-9999; Duration to about ±10,000 years.
const MIN_TIMESTAMP_SECONDS = -62135596800n;
const MAX_TIMESTAMP_SECONDS = 253402300799n;
const MAX_DURATION_SECONDS = 315576000000n;

const TIMESTAMP_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;
const DURATION_PATTERN = /^(-)?(\d+)(?:\.(\d{1,9}))?s$/;

/** RFC 3339 in UTC with 0, 3, 6 or 9 fractional digits, as the protobuf JSON mapping prints Timestamps. */
export function formatTimestamp(seconds: bigint, nanos: number): string {
  if (seconds < MIN_TIMESTAMP_SECONDS || seconds > MAX_TIMESTAMP_SECONDS) {
    throw new ValueProblem(`Timestamp seconds ${seconds} is outside 0001-01-01..9999-12-31`);
  }
  checkNanos(nanos);
  const iso = new Date(Number(seconds) * 1000).toISOString();
  return `${iso.slice(0, 19)}${fraction(nanos)}Z`;
}

/** Accepts RFC 3339 with `Z` or a numeric offset and up to 9 fractional digits. */
export function parseTimestamp(text: string): { seconds: bigint; nanos: number } {
  const match = TIMESTAMP_PATTERN.exec(text);
  if (!match) throw new ValueProblem(`${JSON.stringify(text)} is not an RFC 3339 timestamp (e.g. 2024-05-01T12:00:00Z)`);
  const [, year, month, day, hour, minute, second, digits, zulu, sign, offsetHours, offsetMinutes] = match;
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999.
  date.setUTCFullYear(Number(year), Number(month) - 1, Number(day));
  date.setUTCHours(Number(hour), Number(minute), Number(second), 0);
  if (
    date.getUTCFullYear() !== Number(year) ||
    date.getUTCMonth() !== Number(month) - 1 ||
    date.getUTCDate() !== Number(day) ||
    Number(hour) > 23 ||
    Number(minute) > 59 ||
    Number(second) > 59
  ) {
    throw new ValueProblem(`${JSON.stringify(text)} is not a valid date and time`);
  }
  let seconds = BigInt(date.getTime() / 1000);
  if (!zulu) {
    const offset = BigInt(Number(offsetHours) * 3600 + Number(offsetMinutes) * 60);
    seconds = sign === '+' ? seconds - offset : seconds + offset;
  }
  if (seconds < MIN_TIMESTAMP_SECONDS || seconds > MAX_TIMESTAMP_SECONDS) {
    throw new ValueProblem(`${JSON.stringify(text)} is outside 0001-01-01..9999-12-31`);
  }
  return { seconds, nanos: digits ? Number(digits.padEnd(9, '0')) : 0 };
}

/** Seconds with 0, 3, 6 or 9 fractional digits and an `s` suffix, e.g. `-1.500s`. */
export function formatDuration(seconds: bigint, nanos: number): string {
  if (seconds > MAX_DURATION_SECONDS || seconds < -MAX_DURATION_SECONDS) {
    throw new ValueProblem(`Duration seconds ${seconds} is outside ±${MAX_DURATION_SECONDS}`);
  }
  if (nanos <= -1e9 || nanos >= 1e9 || !Number.isInteger(nanos)) throw new ValueProblem(`Duration nanos ${nanos} is out of range`);
  if ((seconds > 0n && nanos < 0) || (seconds < 0n && nanos > 0)) {
    throw new ValueProblem('Duration seconds and nanos must have the same sign');
  }
  const negative = seconds < 0n || nanos < 0;
  const absSeconds = seconds < 0n ? -seconds : seconds;
  return `${negative ? '-' : ''}${absSeconds}${fraction(Math.abs(nanos))}s`;
}

export function parseDuration(text: string): { seconds: bigint; nanos: number } {
  const match = DURATION_PATTERN.exec(text);
  if (!match) throw new ValueProblem(`${JSON.stringify(text)} is not a duration (e.g. "1.5s")`);
  const [, minus, whole, digits] = match;
  const seconds = BigInt(whole);
  if (seconds > MAX_DURATION_SECONDS) throw new ValueProblem(`${JSON.stringify(text)} is outside ±${MAX_DURATION_SECONDS}s`);
  const nanos = digits ? Number(digits.padEnd(9, '0')) : 0;
  return minus ? { seconds: -seconds, nanos: -nanos } : { seconds, nanos };
}

function checkNanos(nanos: number): void {
  if (!Number.isInteger(nanos) || nanos < 0 || nanos > 999_999_999) {
    throw new ValueProblem(`Timestamp nanos ${nanos} is outside 0..999999999`);
  }
}

function fraction(nanos: number): string {
  if (nanos === 0) return '';
  if (nanos % 1_000_000 === 0) return `.${String(nanos / 1_000_000).padStart(3, '0')}`;
  if (nanos % 1_000 === 0) return `.${String(nanos / 1_000).padStart(6, '0')}`;
  return `.${String(nanos).padStart(9, '0')}`;
}
