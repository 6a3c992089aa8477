import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Vector } from 'apache-arrow';
import { createParquetWriter, PARQUET_WRITER_IMPLEMENTATIONS } from './create-parquet-writer';
import type { ParquetWriterImplementation } from './parquet-file-writer';
import type { ParquetSchema } from './parquet-schema';
import { readWithArrowRs } from './test-support/arrow-rs';
import { DuckDb, sqlString } from './test-support/duckdb';

/**
 * -0 and +0 mixed in one column chunk, where a writer would choose a dictionary (two
 * distinct values, many rows): every zero must keep its own sign, as DuckDB and arrow-rs
 * read it. Floating columns at the top level, optional, in a list and in a group.
 */
const SCHEMA: ParquetSchema = {
  fields: [
    { kind: 'primitive', name: 'd', repetition: 'REQUIRED', physicalType: 'DOUBLE' },
    { kind: 'primitive', name: 'f', repetition: 'OPTIONAL', physicalType: 'FLOAT' },
    { kind: 'list', name: 'ds', repetition: 'REQUIRED', element: { kind: 'primitive', name: 'element', repetition: 'REQUIRED', physicalType: 'DOUBLE' } },
    {
      kind: 'group',
      name: 'g',
      repetition: 'REQUIRED',
      fields: [
        { kind: 'primitive', name: 'label', repetition: 'REQUIRED', physicalType: 'BYTE_ARRAY', logicalType: { type: 'STRING' } },
        { kind: 'primitive', name: 'x', repetition: 'REQUIRED', physicalType: 'DOUBLE' },
      ],
    },
  ],
};

const zero = (negative: boolean) => (negative ? -0 : 0);
// The first zero of each column has the sign the others must not all take.
const ROWS = Array.from({ length: 60 }, (_, i) => ({
  d: zero(i % 3 === 1),
  f: i % 5 === 4 ? null : zero(i % 2 === 0),
  ds: [zero(i % 2 === 1), zero(i % 4 === 0), 0],
  g: { label: i % 2 === 0 ? 'even' : 'odd', x: zero(i % 7 < 3) },
}));

const negative = (value: unknown) => Object.is(value, -0);
const EXPECTED = ROWS.map((r) => ({ d: negative(r.d), f: r.f === null ? null : negative(r.f), ds: r.ds.map(negative), gx: negative(r.g.x) }));

describe.each(PARQUET_WRITER_IMPLEMENTATIONS)('the sign of zero in files written by %s', (implementation: ParquetWriterImplementation) => {
  let dir: string;
  let path: string;
  let duckdb: DuckDb;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parquet-signed-zero-'));
    duckdb = await DuckDb.open();
    path = join(dir, 'zeros.parquet');
    const writer = await createParquetWriter(path, { schema: SCHEMA }, implementation);
    await writer.appendRows(ROWS);
    await writer.close();
  });

  afterAll(async () => {
    duckdb?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('is kept for every value, as DuckDB reads it', async () => {
    const rows = await duckdb.query(
      `SELECT signbit(d) AS d, signbit(f) AS f, list_transform(ds, x -> signbit(x)) AS ds, signbit(g.x) AS gx FROM read_parquet(${sqlString(path)})`,
    );
    expect(rows).toEqual(EXPECTED);
  });

  it('is kept for every value, as arrow-rs reads it', async () => {
    const table = await readWithArrowRs(path);
    const d = table.getChild('d')!;
    const f = table.getChild('f')!;
    const ds = table.getChild('ds')!;
    const gx = table.getChild('g')!.getChild('x')!;
    const rows = ROWS.map((_, i) => ({
      d: negative(d.get(i)),
      f: f.get(i) === null ? null : negative(f.get(i)),
      ds: [...(ds.get(i) as Vector)].map(negative),
      gx: negative(gx.get(i)),
    }));
    expect(rows).toEqual(EXPECTED);
  });
});
