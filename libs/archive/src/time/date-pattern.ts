import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';

/**
 * A partition path pattern in the style of Java's SimpleDateFormat, as Sakaar
 * and Kafka Connect's TimeBasedPartitioner take it: pattern letters for the
 * date and time fields, text between single quotes copied as is, and `''`
 * for a quote, e.g. `'dt='yyyy-MM-dd/'hr='HH`.
 *
 * Only the letters whose meaning is the same in Java and in date-fns (which
 * formats them) are accepted, so a pattern never means something else here
 * than in the Java tools it comes from: `yyyy`/`yy` year, `MM` month, `dd` day of
 * month, `HH` hour of day, `mm` minute, `ss` second, `S…` fraction of a second.
 * Any other letter outside quotes is refused with its position.
 */
export class DatePattern {
  /** The smallest unit the pattern shows, in milliseconds (1 for `S`, 1000 for `s` ...). */
  readonly finestUnitMs: number;

  private constructor(
    readonly source: string,
    private readonly dateFnsPattern: string,
    finestUnitMs: number,
  ) {
    this.finestUnitMs = finestUnitMs;
  }

  /** Parses and checks a pattern; throws InvalidDatePatternError naming the problem and its position. */
  static parse(source: string): DatePattern {
    if (typeof source !== 'string' || source.length === 0) throw new InvalidDatePatternError(String(source), 'the pattern is empty');
    let finest = Number.POSITIVE_INFINITY;
    let out = '';
    let i = 0;
    while (i < source.length) {
      const ch = source[i];
      if (ch === "'") {
        // '' is a literal quote; 'text' is literal text (with '' inside for a quote).
        if (source[i + 1] === "'") {
          out += "''";
          i += 2;
          continue;
        }
        let j = i + 1;
        let text = '';
        for (;;) {
          if (j >= source.length) throw new InvalidDatePatternError(source, `the quote at position ${i + 1} is not closed`);
          if (source[j] === "'") {
            if (source[j + 1] === "'") {
              text += "''";
              j += 2;
              continue;
            }
            break;
          }
          text += source[j];
          j += 1;
        }
        out += `'${text}'`;
        i = j + 1;
        continue;
      }
      if (/[A-Za-z]/.test(ch)) {
        let j = i;
        while (j < source.length && source[j] === ch) j += 1;
        const run = source.slice(i, j);
        const unit = LETTER_UNITS[ch];
        if (unit === undefined) {
          throw new InvalidDatePatternError(
            source,
            `pattern letter "${ch}" at position ${i + 1} is not supported (use yyyy, MM, dd, HH, mm, ss, S; quote literal text like 'dt=')`,
          );
        }
        if (ch === 'y' && run.length !== 2 && run.length !== 4) {
          throw new InvalidDatePatternError(source, `"${run}" at position ${i + 1}: write the year as yyyy (or yy)`);
        }
        if (ch !== 'y' && ch !== 'S' && run.length !== 2) {
          throw new InvalidDatePatternError(source, `"${run}" at position ${i + 1}: write two letters (${ch}${ch}), zero-padded, so paths sort by time`);
        }
        finest = Math.min(finest, unit);
        out += run;
        i = j;
        continue;
      }
      if (!SAFE_LITERAL.test(ch)) {
        throw new InvalidDatePatternError(source, `character ${JSON.stringify(ch)} at position ${i + 1} does not belong in an object name; quote it or leave it out`);
      }
      out += ch;
      i += 1;
    }
    if (!Number.isFinite(finest)) throw new InvalidDatePatternError(source, 'the pattern has no date or time letter (yyyy, MM, dd, HH ...)');
    const pattern = new DatePattern(source, out, finest);
    // Every segment must be a valid object-name segment whatever the date.
    const sample = pattern.format(new Date(Date.UTC(2001, 0, 1)), 'UTC');
    if (sample.startsWith('/') || sample.endsWith('/') || sample.includes('//')) {
      throw new InvalidDatePatternError(source, 'the path it makes has an empty segment (a leading, trailing or double "/")');
    }
    if (sample.split('/').some((segment) => segment === '.' || segment === '..')) {
      throw new InvalidDatePatternError(source, 'the path it makes has a "." or ".." segment');
    }
    return pattern;
  }

  /** The pattern applied to `date` as seen in `timeZone`. */
  format(date: Date, timeZone: string): string {
    // TZDate's fields read as the wall clock of the zone, whatever the process's own TZ.
    return format(new TZDate(date.getTime(), timeZone), this.dateFnsPattern);
  }
}

export class InvalidDatePatternError extends Error {
  override readonly name = 'InvalidDatePatternError';

  constructor(
    readonly pattern: string,
    readonly reason: string,
  ) {
    super(`partition pattern ${JSON.stringify(pattern)}: ${reason}`);
  }
}

const SECOND = 1000;
const LETTER_UNITS: Record<string, number> = {
  y: 365 * 24 * 3600 * SECOND,
  M: 28 * 24 * 3600 * SECOND,
  d: 24 * 3600 * SECOND,
  H: 3600 * SECOND,
  m: 60 * SECOND,
  s: SECOND,
  S: 1,
};

/** Characters allowed unquoted between pattern letters (quoted text may hold anything a name allows). */
const SAFE_LITERAL = /^[-_/=.:+ ,]$/;
