import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { ObjectStore } from '@eventpath/storage';
import { tableFromIPC, type Table } from 'apache-arrow';
import { readParquet } from 'parquet-wasm/node';

/** An in-memory DuckDB reading the archive as a data team would. */
export class ArchiveDuckDb {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(): Promise<ArchiveDuckDb> {
    const instance = await DuckDBInstance.create(':memory:');
    return new ArchiveDuckDb(instance, await instance.connect());
  }

  /** Rows as JSON-friendly objects (BIGINT as strings). */
  async query(sql: string): Promise<Record<string, unknown>[]> {
    return (await this.connection.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  }

  /** `{ column: type }` of a file or glob. */
  async columnTypes(path: string): Promise<Record<string, string>> {
    const rows = await this.query(`DESCRIBE SELECT * FROM read_parquet(${sql(path)})`);
    return Object.fromEntries(rows.map((r) => [String(r.column_name), String(r.column_type)]));
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

export function sql(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Every Parquet object under `prefix` in a store. */
export async function parquetObjects(store: ObjectStore, prefix: string): Promise<string[]> {
  const names: string[] = [];
  let pageToken: string | undefined;
  do {
    const page = await store.list(prefix, { pageToken });
    names.push(...page.items.map((i) => i.name).filter((n) => n.endsWith('.parquet')));
    pageToken = page.nextPageToken;
  } while (pageToken);
  return names;
}

/** Local paths of a local store's Parquet objects under `prefix`. */
export async function localParquetFiles(store: ObjectStore & { root: string }, prefix: string): Promise<string[]> {
  return (await parquetObjects(store, prefix)).map((name) => join(store.root, name));
}

/** Reads a Parquet file with arrow-rs (npm parquet-wasm), a reader independent of DuckDB. */
export async function readWithArrowRs(path: string): Promise<Table> {
  return tableFromIPC(readParquet(new Uint8Array(await readFile(path))).intoIPCStream());
}
