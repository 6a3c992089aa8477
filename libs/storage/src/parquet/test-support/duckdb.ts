import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

/** An in-memory DuckDB for reading back written files, as a data team would. */
export class DuckDb {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(): Promise<DuckDb> {
    const instance = await DuckDBInstance.create(':memory:');
    return new DuckDb(instance, await instance.connect());
  }

  /** Rows as JSON-friendly objects: BIGINTs as strings, maps as [{ key, value }], blobs escaped. */
  async query(sql: string): Promise<Record<string, unknown>[]> {
    return (await this.connection.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  }

  /** `{ column: type }` from DESCRIBE. */
  async columnTypes(path: string): Promise<Record<string, string>> {
    const rows = await this.query(`DESCRIBE SELECT * FROM read_parquet(${sqlString(path)})`);
    return Object.fromEntries(rows.map((r) => [String(r.column_name), String(r.column_type)]));
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
