import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

/** An in-memory DuckDB and a scratch directory, for writing Parquet files and reading them back as a data team would. */
export class ReadBack {
  private constructor(
    readonly dir: string,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(): Promise<ReadBack> {
    const instance = await DuckDBInstance.create(':memory:');
    return new ReadBack(await mkdtemp(join(tmpdir(), 'schemas-parquet-')), instance, await instance.connect());
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  /** Rows as JSON-friendly objects (BIGINTs as strings). */
  async query(sql: string): Promise<Record<string, unknown>[]> {
    return (await this.connection.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  }

  /** `{ column: DuckDB type }` of a file. */
  async columnTypes(path: string): Promise<Record<string, unknown>> {
    return Object.fromEntries((await this.query(`DESCRIBE SELECT * FROM read_parquet('${path}')`)).map((row) => [row.column_name, row.column_type]));
  }

  async close(): Promise<void> {
    this.connection.closeSync();
    this.instance.closeSync();
    await rm(this.dir, { recursive: true, force: true });
  }
}
