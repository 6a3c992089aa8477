import { deflateRawSync, inflateRawSync } from 'node:zlib';

/** Encoded runs longer than this are deflated (alternating offsets of two time partitions compress well). */
const DEFLATE_ABOVE_CHARS = 512;
const DEFLATED_PREFIX = 'z:';

/**
 * A set of Kafka offsets of one partition, kept as runs of consecutive
 * offsets: a file of in-order records is one run, whatever its size. Offsets
 * are added in increasing order (the order a partition is consumed in).
 *
 * Offsets are JavaScript numbers: exact up to 2^53, which a partition does
 * not reach (at a million records a second, in 285 years).
 */
export class OffsetRuns {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private total = 0;

  /** Adds an offset above every offset added so far. */
  add(offset: number): void {
    const n = this.ends.length;
    if (n > 0) {
      const last = this.ends[n - 1];
      if (offset <= last) throw new RangeError(`offset ${offset} is not above the last one added (${last})`);
      if (offset === last + 1) {
        this.ends[n - 1] = offset;
        this.total += 1;
        return;
      }
    }
    this.starts.push(offset);
    this.ends.push(offset);
    this.total += 1;
  }

  /** Adds the run `start..end` (inclusive), above every offset added so far. */
  addRun(start: number, end: number): void {
    if (end < start) throw new RangeError(`run ${start}-${end} is empty`);
    this.add(start);
    if (end > start) {
      this.ends[this.ends.length - 1] = end;
      this.total += end - start;
    }
  }

  get count(): number {
    return this.total;
  }

  get runCount(): number {
    return this.starts.length;
  }

  get isEmpty(): boolean {
    return this.total === 0;
  }

  /** Lowest offset; undefined when empty. */
  get first(): number | undefined {
    return this.starts[0];
  }

  /** Highest offset; undefined when empty. */
  get last(): number | undefined {
    return this.ends[this.ends.length - 1];
  }

  /** The runs as inclusive `[start, end]` pairs, in order. */
  runs(): Array<[number, number]> {
    return this.starts.map((start, i) => [start, this.ends[i]]);
  }

  /** Every offset, in order. */
  *offsets(): IterableIterator<number> {
    for (let i = 0; i < this.starts.length; i++) for (let o = this.starts[i]; o <= this.ends[i]; o++) yield o;
  }

  /** Whether every offset of `other` is in this set. */
  containsAll(other: OffsetRuns): boolean {
    let i = 0;
    for (const [start, end] of other.runs()) {
      while (i < this.ends.length && this.ends[i] < start) i += 1;
      if (i === this.ends.length || this.starts[i] > start || this.ends[i] < end) return false;
    }
    return true;
  }

  equals(other: OffsetRuns): boolean {
    return this.count === other.count && this.containsAll(other);
  }

  /**
   * Text form for footer and object metadata: `start-end` runs (or a single
   * offset), comma-separated, e.g. `100-199,201,203-250`. When that is long,
   * `z:` and the base64 of the deflated delta form: per run, the gap from the
   * previous run's end (the first run: its start) and its length less one,
   * `100+99,2+0,2+47`, which repeats, so interleaved offsets take a few bytes.
   */
  encode(): string {
    const text = this.starts.map((start, i) => (start === this.ends[i] ? `${start}` : `${start}-${this.ends[i]}`)).join(',');
    if (text.length <= DEFLATE_ABOVE_CHARS) return text;
    const deltas = this.starts.map((start, i) => `${i === 0 ? start : start - this.ends[i - 1]}+${this.ends[i] - start}`).join(',');
    return DEFLATED_PREFIX + deflateRawSync(Buffer.from(deltas, 'latin1'), { level: 9 }).toString('base64');
  }

  /** Parses `encode`'s text; throws RangeError on anything else. */
  static decode(encoded: string): OffsetRuns {
    if (encoded.startsWith(DEFLATED_PREFIX)) return decodeDeltas(inflateRawSync(Buffer.from(encoded.slice(DEFLATED_PREFIX.length), 'base64')).toString('latin1'));
    const text = encoded;
    const runs = new OffsetRuns();
    if (text === '') return runs;
    for (const part of text.split(',')) {
      const match = /^(\d+)(?:-(\d+))?$/.exec(part);
      if (!match) throw new RangeError(`offset runs: ${JSON.stringify(part.slice(0, 40))} is not a run`);
      const start = Number(match[1]);
      const end = match[2] === undefined ? start : Number(match[2]);
      if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) throw new RangeError(`offset runs: ${part} is beyond 2^53`);
      runs.addRun(start, end);
    }
    return runs;
  }

  static of(...offsets: number[]): OffsetRuns {
    const runs = new OffsetRuns();
    for (const offset of offsets) runs.add(offset);
    return runs;
  }
}

function decodeDeltas(text: string): OffsetRuns {
  const runs = new OffsetRuns();
  let end = 0;
  text.split(',').forEach((part, i) => {
    const match = /^(\d+)\+(\d+)$/.exec(part);
    if (!match) throw new RangeError(`offset runs: ${JSON.stringify(part.slice(0, 40))} is not a delta run`);
    const start = i === 0 ? Number(match[1]) : end + Number(match[1]);
    end = start + Number(match[2]);
    if (!Number.isSafeInteger(end)) throw new RangeError(`offset runs: ${part} is beyond 2^53`);
    runs.addRun(start, end);
  });
  return runs;
}
