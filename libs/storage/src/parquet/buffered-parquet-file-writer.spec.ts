import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BufferedParquetFileWriter, type ParquetWriterBackend } from './buffered-parquet-file-writer';
import { ParquetRowError, ParquetWriterStateError } from './errors';
import { ValueProblem } from './leaf-values';

type Row = { size: number };

/** Records what the shared writer logic asks of a library; "encodes" each row as `size` bytes. */
class FakeBackend implements ParquetWriterBackend<Row> {
  readonly footerBytes = { fixed: 100, perRowGroup: 10 };
  written = 4;
  buffered: Row[] = [];
  groups: number[] = [];
  measured: number[] = [];
  finishedWith?: Record<string, string>;
  discarded = false;
  failNextBuffer?: Error;
  /** finish() calls onFinish, waits for finishGate, then throws failFinish if set. */
  onFinish?: () => void;
  finishGate?: Promise<void>;
  failFinish?: Error;

  constructor(private readonly compressedPerRawByte: number) {}

  async bufferRow(row: Row, closesRowGroup: boolean): Promise<void> {
    if (this.failNextBuffer) throw this.failNextBuffer;
    this.buffered.push(row);
    if (closesRowGroup) {
      this.groups.push(this.buffered.length);
      this.written += this.buffered.reduce((sum, r) => sum + r.size * this.compressedPerRawByte, 0);
      this.buffered = [];
    }
  }

  bytesWritten(): number {
    return this.written;
  }

  async measureRowGroup(rows: Row[]): Promise<number> {
    this.measured.push(rows.length);
    return rows.reduce((sum, r) => sum + r.size * this.compressedPerRawByte, 0);
  }

  async finish(keyValueMetadata: Record<string, string>): Promise<void> {
    this.onFinish?.();
    await this.finishGate;
    if (this.failFinish) throw this.failFinish;
    this.finishedWith = keyValueMetadata;
  }

  async discard(): Promise<void> {
    this.discarded = true;
  }
}

describe('BufferedParquetFileWriter', () => {
  let dir: string;
  let path: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'buffered-writer-'));
    path = join(dir, 'file.parquet');
    await writeFile(path, 'partial');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  function writer(backend: FakeBackend, rowGroupBytes = 1000) {
    return new BufferedParquetFileWriter<Row>(backend, {
      path,
      compression: 'SNAPPY',
      rowGroupBytes,
      keyValueMetadata: { topic: 't' },
      prepareRow: (row, counter) => {
        if (typeof row.size !== 'number') throw new ValueProblem('size', 'expected a number');
        counter.bytes += row.size;
        return { size: row.size };
      },
    });
  }

  const rowsOf = (count: number, size: number) => Array.from({ length: count }, () => ({ size }));

  it('closes a row group with the row that brings it to rowGroupBytes', async () => {
    const backend = new FakeBackend(0.5);
    const w = writer(backend, 1000);
    await w.appendRows(rowsOf(25, 100));
    expect(backend.groups).toEqual([10, 10]);
    expect(backend.buffered).toHaveLength(5);
    expect(w.rowCount).toBe(25);
  });

  it('estimates with the measured ratio of written row groups, plus the footer model', async () => {
    const backend = new FakeBackend(0.25);
    const w = writer(backend, 1000);
    await w.appendRows(rowsOf(15, 100));
    // 4 header + 250 written + 500 buffered × 0.25 + 100 fixed + 2 groups × 10 + "topic"/"t" metadata (1+5+4).
    expect(w.estimatedBytes()).toBe(4 + 250 + 125 + 100 + 20 + 10);
  });

  it('calibrates the ratio before the first row group by measuring the first 256, 1024 and 4096 rows', async () => {
    const backend = new FakeBackend(0.125);
    const w = writer(backend, 10_000_000);
    await w.appendRows(rowsOf(200, 10));
    expect(backend.measured).toEqual([]);
    await w.appendRows(rowsOf(100, 10));
    expect(backend.measured).toEqual([300]);
    expect(w.estimatedBytes()).toBe(4 + 3000 * 0.125 + 100 + 10 + 10);
    await w.appendRows(rowsOf(5000, 10));
    expect(backend.measured).toEqual([300, 4096]);
    await w.appendRows(rowsOf(10_000, 10));
    expect(backend.measured).toEqual([300, 4096]);
  });

  it('rejects a batch with a bad row as a whole, naming the row and field, and stays usable', async () => {
    const backend = new FakeBackend(1);
    const w = writer(backend);
    await w.appendRows(rowsOf(2, 1));
    const error = await w.appendRows([{ size: 1 }, { size: 'big' }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParquetRowError);
    expect(error).toMatchObject({ rowIndex: 1, fieldPath: 'size', reason: 'expected a number' });
    await expect(w.appendRows([null as unknown as Record<string, unknown>])).rejects.toMatchObject({ rowIndex: 0, fieldPath: '(row)' });
    expect(w.rowCount).toBe(2);
    await w.appendRows(rowsOf(1, 1));
    expect(backend.buffered).toHaveLength(3);
  });

  it('runs concurrent calls one after the other, in call order', async () => {
    const backend = new FakeBackend(1);
    const w = writer(backend, 1_000_000);
    await Promise.all([w.appendRows([{ size: 1 }]), w.appendRows([{ size: 2 }]), w.appendRows([{ size: 3 }])]);
    expect(backend.buffered.map((r) => r.size)).toEqual([1, 2, 3]);
  });

  it('passes key-value metadata set before close to the footer, and refuses use after close', async () => {
    const backend = new FakeBackend(1);
    const w = writer(backend);
    w.setKeyValueMetadata('last-offset', '9');
    w.setKeyValueMetadata('topic', 'replaced');
    const summary = await w.close();
    expect(backend.finishedWith).toEqual({ topic: 'replaced', 'last-offset': '9' });
    expect(summary).toMatchObject({ path, rows: 0 });
    await expect(w.appendRows(rowsOf(1, 1))).rejects.toBeInstanceOf(ParquetWriterStateError);
    expect(() => w.setKeyValueMetadata('k', 'v')).toThrow(ParquetWriterStateError);
    await expect(w.close()).rejects.toBeInstanceOf(ParquetWriterStateError);
    await w.abort();
    expect(backend.discarded).toBe(false);
  });

  it('fails for good after a write error, and abort removes the partial file', async () => {
    const backend = new FakeBackend(1);
    const w = writer(backend);
    backend.failNextBuffer = new Error('ENOSPC: no space left on device');
    await expect(w.appendRows(rowsOf(1, 1))).rejects.toThrow('ENOSPC');
    backend.failNextBuffer = undefined;
    await expect(w.appendRows(rowsOf(1, 1))).rejects.toThrow(/failed earlier: Error: ENOSPC/);
    await expect(w.close()).rejects.toBeInstanceOf(ParquetWriterStateError);
    await w.abort();
    expect(backend.discarded).toBe(true);
    await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });
    await w.abort();
  });

  /** Starts close() and resolves once the backend is inside finish(), which waits for `release`. */
  async function closeHeldInFinish(backend: FakeBackend, w: BufferedParquetFileWriter<Row>) {
    let release!: () => void;
    let entered!: () => void;
    const inFinish = new Promise<void>((resolve) => (entered = resolve));
    backend.finishGate = new Promise<void>((resolve) => (release = resolve));
    backend.onFinish = entered;
    const closing = w.close();
    await inFinish;
    return { closing, release };
  }

  it('keeps the file that close() reports as written when abort() comes in while it is finishing', async () => {
    const backend = new FakeBackend(1);
    const w = writer(backend);
    await w.appendRows(rowsOf(3, 1));
    const { closing, release } = await closeHeldInFinish(backend, w);
    const aborting = w.abort();
    release();
    const summary = await closing;
    await aborting;
    expect(summary).toMatchObject({ path, rows: 3 });
    expect(backend.discarded).toBe(false);
    expect((await stat(path)).isFile()).toBe(true);
  });

  it('removes the partial file when a close() that abort() overlapped fails', async () => {
    const backend = new FakeBackend(1);
    const w = writer(backend);
    await w.appendRows(rowsOf(3, 1));
    backend.failFinish = new Error('EIO: write failed');
    const { closing, release } = await closeHeldInFinish(backend, w);
    const aborting = w.abort();
    release();
    await expect(closing).rejects.toThrow('EIO');
    await aborting;
    expect(backend.discarded).toBe(true);
    await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
