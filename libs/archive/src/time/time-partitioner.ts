import { tzOffset } from '@date-fns/tz';
import { DatePattern } from './date-pattern';

/** One time window and the path of its partition, e.g. `dt=2024-05-01/hr=13`. */
export interface TimePartition {
  /** The partition path the pattern gives for the window's start. */
  readonly path: string;
  /** Window start, ms since the epoch (inclusive). */
  readonly start: number;
  /** Window end, ms since the epoch (exclusive). */
  readonly end: number;
}

export interface TimePartitionerOptions {
  /** A Java SimpleDateFormat-style pattern, e.g. `'dt='yyyy-MM-dd/'hr='HH` (see DatePattern). */
  pattern: string | DatePattern;
  /** IANA time zone the windows are aligned to and the path is written in. Default `UTC`. */
  timeZone?: string;
  /** Window length in ms. Default one hour. */
  windowMs?: number;
}

export const DEFAULT_WINDOW_MS = 3_600_000;

const CACHE_SIZE = 64;

/**
 * Kafka Connect's TimeBasedPartitioner for the archive: an instant falls in a
 * window of `windowMs`, aligned to the wall clock of `timeZone` (hourly
 * windows start on the hour of that zone, daily windows at its midnight, also
 * in zones offset by half an hour), and the window's start, formatted with the
 * pattern, is its partition path. Around DST changes a window is what the
 * wall clock makes it: the hour that is repeated in autumn is two windows with
 * one path; a day is 23 or 25 hours long.
 *
 * Lookups are cached by window: records of one window, the common case, cost
 * a range check.
 */
export class TimePartitioner {
  readonly pattern: DatePattern;
  readonly timeZone: string;
  readonly windowMs: number;
  private last?: TimePartition;
  private readonly cache = new Map<number, TimePartition>();

  constructor(options: TimePartitionerOptions) {
    this.pattern = typeof options.pattern === 'string' ? DatePattern.parse(options.pattern) : options.pattern;
    this.timeZone = assertTimeZone(options.timeZone ?? 'UTC');
    this.windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
    if (!Number.isInteger(this.windowMs) || this.windowMs < 1) throw new RangeError(`window must be a positive whole number of milliseconds, got ${this.windowMs}`);
  }

  /** The window holding `timestampMs` and its path. */
  partitionOf(timestampMs: number): TimePartition {
    const last = this.last;
    if (last && timestampMs >= last.start && timestampMs < last.end) return last;
    const start = this.windowStart(timestampMs);
    let partition = this.cache.get(start);
    if (!partition) {
      let end = this.windowStart(start + this.windowMs * 1.5);
      let begin = start;
      if (!(begin <= timestampMs && timestampMs < end)) {
        // A wall clock that jumps over a whole window: fall back to windows on the UTC clock.
        begin = Math.floor(timestampMs / this.windowMs) * this.windowMs;
        end = begin + this.windowMs;
      }
      partition = { path: this.pattern.format(new Date(begin), this.timeZone), start: begin, end };
      if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as number);
      this.cache.set(start, partition);
    }
    this.last = partition;
    return partition;
  }

  /** Start of the window of `ms`: floored on the zone's wall clock, converted back to an instant. */
  private windowStart(ms: number): number {
    const offset = this.offsetMs(ms);
    const localStart = Math.floor((ms + offset) / this.windowMs) * this.windowMs;
    return localStart - this.offsetMs(localStart - offset);
  }

  private offsetMs(ms: number): number {
    if (this.timeZone === 'UTC') return 0;
    return tzOffset(this.timeZone, new Date(ms)) * 60_000;
  }
}

/** Returns the zone if Intl knows it; throws RangeError otherwise. */
export function assertTimeZone(timeZone: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new RangeError(`unknown time zone ${JSON.stringify(timeZone)} (use an IANA name such as UTC or Asia/Jakarta)`);
  }
  return timeZone;
}
