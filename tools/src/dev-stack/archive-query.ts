import { DuckDBInstance } from '@duckdb/node-api';
import { Storage } from '@google-cloud/storage';
import { mkdir, readdir } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';

/**
 * The topics of a local archive directory that hold Parquet files: the
 * first-level folders, except the archiver's `_errors` and `.eventpath-meta`.
 */
export async function archivedTopics(archiveDir: string): Promise<string[]> {
  const entries = await readdir(archiveDir, { withFileTypes: true }).catch(() => []);
  const topics: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.startsWith('_') || entry.name.startsWith('.')) continue;
    const files = await readdir(join(archiveDir, entry.name), { recursive: true });
    if (files.some((file) => file.endsWith('.parquet'))) topics.push(entry.name);
  }
  return topics.sort();
}

/**
 * Runs `sql` with DuckDB over the archive in `archiveDir`: each archived
 * topic is a view of that name over its Parquet files (`SELECT * FROM
 * events`). Returns the rows as JSON-friendly objects.
 */
export async function queryArchive(archiveDir: string, sql: string): Promise<Array<Record<string, unknown>>> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    for (const topic of await archivedTopics(archiveDir)) {
      const glob = join(archiveDir, topic, '**', '*.parquet').replaceAll("'", "''");
      await connection.run(`CREATE VIEW "${topic.replaceAll('"', '""')}" AS SELECT * FROM read_parquet('${glob}', union_by_name = true)`);
    }
    const reader = await connection.runAndReadAll(sql);
    return reader.getRowObjectsJson() as Array<Record<string, unknown>>;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Copies the Parquet objects under `gs://bucket/prefix` to `targetDir`, keeping their paths below the prefix. */
export async function downloadArchive(archiveUrl: string, apiEndpoint: string | undefined, targetDir: string): Promise<number> {
  const match = /^gs:\/\/([^/]+)\/?(.*)$/.exec(archiveUrl);
  if (!match) throw new Error(`expected gs://bucket/prefix, got ${archiveUrl}`);
  const [, bucket, rawPrefix] = match;
  const prefix = rawPrefix && !rawPrefix.endsWith('/') ? `${rawPrefix}/` : rawPrefix;
  const storage = new Storage({ apiEndpoint, projectId: 'eventpath-dev' });
  const [files] = await storage.bucket(bucket).getFiles({ prefix });
  let copied = 0;
  for (const file of files.filter((candidate) => candidate.name.endsWith('.parquet'))) {
    const destination = join(targetDir, relative(prefix, file.name));
    await mkdir(dirname(destination), { recursive: true });
    await file.download({ destination });
    copied += 1;
  }
  return copied;
}
