import { DatePattern, InvalidDatePatternError } from './date-pattern';
import { TimePartitioner } from './time-partitioner';

const at = (iso: string) => new Date(iso).getTime();

describe('DatePattern', () => {
  it("formats Sakaar's hourly pattern with quoted literals", () => {
    expect(DatePattern.parse("'dt='yyyy-MM-dd/'hr='HH").format(new Date('2024-05-01T13:45:12.345Z'), 'UTC')).toBe('dt=2024-05-01/hr=13');
  });

  it('goes down to seconds and milliseconds', () => {
    const pattern = DatePattern.parse("'dt='yyyy-MM-dd/HH/mm/'s='ss.SSS");
    expect(pattern.format(new Date('2024-05-01T13:45:12.345Z'), 'UTC')).toBe('dt=2024-05-01/13/45/s=12.345');
    expect(pattern.finestUnitMs).toBe(1);
  });

  it("keeps '' as a quote", () => {
    expect(DatePattern.parse("'it''s='yyyy").format(new Date('2024-05-01T00:00:00Z'), 'UTC')).toBe("it's=2024");
  });

  it.each([
    ["'dt='YYYY-MM-dd", /letter "Y" at position 6 is not supported/],
    ['yyyy-MM-dd/hh', /letter "h" at position 12/],
    ["'dt=yyyy", /quote at position 1 is not closed/],
    ['yyyy-M-dd', /"M" at position 6: write two letters/],
    ['yyyy/', /empty segment/],
    ["'literal'", /no date or time letter/],
    ['yyyy#MM', /character "#" at position 5/],
  ])('refuses %s', (pattern, message) => {
    expect(() => DatePattern.parse(pattern)).toThrow(InvalidDatePatternError);
    expect(() => DatePattern.parse(pattern)).toThrow(message);
  });
});

describe('TimePartitioner', () => {
  it('cuts hourly windows and names them by their start', () => {
    const p = new TimePartitioner({ pattern: "'dt='yyyy-MM-dd/'hr='HH" });
    expect(p.partitionOf(at('2024-05-01T13:59:59.999Z'))).toEqual({ path: 'dt=2024-05-01/hr=13', start: at('2024-05-01T13:00:00Z'), end: at('2024-05-01T14:00:00Z') });
    expect(p.partitionOf(at('2024-05-01T14:00:00Z')).path).toBe('dt=2024-05-01/hr=14');
    expect(p.partitionOf(at('2023-12-31T23:30:00Z')).path).toBe('dt=2023-12-31/hr=23');
  });

  it('aligns windows to the wall clock of the time zone, half-hour offsets included', () => {
    const kolkata = new TimePartitioner({ pattern: "'dt='yyyy-MM-dd/'hr='HH", timeZone: 'Asia/Kolkata' });
    // 10:15 IST is 04:45Z: the window is 10:00-11:00 IST = 04:30-05:30Z.
    expect(kolkata.partitionOf(at('2024-05-01T04:45:00Z'))).toEqual({ path: 'dt=2024-05-01/hr=10', start: at('2024-05-01T04:30:00Z'), end: at('2024-05-01T05:30:00Z') });
    const jakartaDaily = new TimePartitioner({ pattern: "'dt='yyyy-MM-dd", timeZone: 'Asia/Jakarta', windowMs: 24 * 3600_000 });
    expect(jakartaDaily.partitionOf(at('2024-05-01T18:00:00Z'))).toEqual({ path: 'dt=2024-05-02', start: at('2024-05-01T17:00:00Z'), end: at('2024-05-02T17:00:00Z') });
  });

  it('follows DST: the skipped hour has no window, the repeated hour is two windows with one path, days are 23 and 25 hours', () => {
    const hourly = new TimePartitioner({ pattern: "'dt='yyyy-MM-dd/'hr='HH", timeZone: 'America/New_York' });
    // Spring forward 2024-03-10: 01:59:59 EST (06:59:59Z) is followed by 03:00 EDT (07:00Z).
    expect(hourly.partitionOf(at('2024-03-10T06:30:00Z'))).toEqual({ path: 'dt=2024-03-10/hr=01', start: at('2024-03-10T06:00:00Z'), end: at('2024-03-10T07:00:00Z') });
    expect(hourly.partitionOf(at('2024-03-10T07:30:00Z'))).toEqual({ path: 'dt=2024-03-10/hr=03', start: at('2024-03-10T07:00:00Z'), end: at('2024-03-10T08:00:00Z') });
    // Fall back 2024-11-03: 01:00-02:00 happens twice (EDT at 05:00Z, EST at 06:00Z).
    expect(hourly.partitionOf(at('2024-11-03T05:30:00Z'))).toEqual({ path: 'dt=2024-11-03/hr=01', start: at('2024-11-03T05:00:00Z'), end: at('2024-11-03T06:00:00Z') });
    expect(hourly.partitionOf(at('2024-11-03T06:30:00Z'))).toEqual({ path: 'dt=2024-11-03/hr=01', start: at('2024-11-03T06:00:00Z'), end: at('2024-11-03T07:00:00Z') });
    const daily = new TimePartitioner({ pattern: "'dt='yyyy-MM-dd", timeZone: 'America/New_York', windowMs: 24 * 3600_000 });
    const spring = daily.partitionOf(at('2024-03-10T12:00:00Z'));
    expect((spring.end - spring.start) / 3600_000).toBe(23);
    const fall = daily.partitionOf(at('2024-11-03T12:00:00Z'));
    expect((fall.end - fall.start) / 3600_000).toBe(25);
  });

  it('every instant is inside its window (seeded sweep over zones and windows)', () => {
    const zones = ['UTC', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Europe/London', 'Pacific/Chatham'];
    const windows = [1000, 60_000, 15 * 60_000, 3600_000, 24 * 3600_000];
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const timeZone of zones) {
      for (const windowMs of windows) {
        const partitioner = new TimePartitioner({ pattern: "yyyy-MM-dd/HH-mm-ss.SSS", timeZone, windowMs });
        for (let i = 0; i < 60; i++) {
          const t = at('2024-01-01T00:00:00Z') + Math.floor(random() * 366 * 24 * 3600_000);
          const w = partitioner.partitionOf(t);
          expect(w.start <= t && t < w.end).toBe(true);
          expect(partitioner.partitionOf(w.start)).toEqual(w);
        }
      }
    }
  });

  it('refuses unknown time zones and empty windows', () => {
    expect(() => new TimePartitioner({ pattern: 'yyyy', timeZone: 'Mars/Olympus' })).toThrow(/unknown time zone "Mars\/Olympus"/);
    expect(() => new TimePartitioner({ pattern: 'yyyy', windowMs: 0 })).toThrow(/window/);
  });
});
