import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { Storage } from '@google-cloud/storage';

export interface ArchivedTopic {
  topic: string;
  /** Parquet objects of the topic in the archive. */
  objects: number;
  rows: number;
  /** `__event_id` → how many rows carry it. */
  ids: Map<string, number>;
}

/**
 * Downloads a topic's Parquet objects from the archive in GCS (here the
 * emulator) as a data team would, and reads every row's `__event_id` with
 * DuckDB.
 */
export async function archivedEventIds(options: { gcsUrl: string; bucket: string; prefix: string; topic: string; into: string }): Promise<ArchivedTopic> {
  const storage = new Storage({ apiEndpoint: options.gcsUrl, projectId: 'e2e' });
  const [files] = await storage.bucket(options.bucket).getFiles({ prefix: `${options.prefix}/${options.topic}/` });
  const parquet = files.filter((f) => f.name.endsWith('.parquet'));
  const paths: string[] = [];
  for (const file of parquet) {
    const path = join(options.into, file.name);
    await mkdir(dirname(path), { recursive: true });
    await file.download({ destination: path });
    paths.push(path);
  }
  const ids = new Map<string, number>();
  let rows = 0;
  if (paths.length > 0) {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const list = paths.map((p) => `'${p.replace(/'/g, "''")}'`).join(', ');
      const reader = await connection.runAndReadAll(`SELECT __event_id AS id, count(*) AS copies FROM read_parquet([${list}]) GROUP BY __event_id`);
      for (const row of reader.getRowObjectsJson()) {
        const copies = Number(row['copies']);
        ids.set(String(row['id']), copies);
        rows += copies;
      }
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  }
  return { topic: options.topic, objects: parquet.length, rows, ids };
}

/** Event id → rows carrying it, over every topic of the archive. */
export function mergedEventIds(archive: ArchivedTopic[]): Map<string, number> {
  const ids = new Map<string, number>();
  for (const topic of archive) for (const [id, copies] of topic.ids) ids.set(id, (ids.get(id) ?? 0) + copies);
  return ids;
}
