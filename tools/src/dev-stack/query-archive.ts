import { Command } from 'commander';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { archivedTopics, downloadArchive, queryArchive } from './archive-query';

// Queries the dev stack's archive with DuckDB, without the duckdb CLI:
//   npx tsx tools/src/dev-stack/query-archive.ts "SELECT count(*) FROM events"
const program = new Command()
  .name('query-archive')
  .description('Runs SQL with DuckDB over a Parquet archive; each archived topic is a view of its name (events, orders, ...)')
  .argument('[sql]', 'the query (default: rows, first and last event time per topic)')
  .option('--archive <dir|gs://bucket/prefix>', 'the archive: a local directory, or gs:// (copied to a temp dir first)', 'tmp/dev-stack/archive')
  .option('--gcs-endpoint <url>', 'GCS JSON API endpoint for gs:// (the emulator): default GCS_API_ENDPOINT')
  .option('--json', 'print rows as JSON lines instead of a table')
  .parse();

async function main(): Promise<void> {
  const opts = program.opts<{ archive: string; gcsEndpoint?: string; json?: boolean }>();
  let dir = resolve(opts.archive);
  let cleanup: string | undefined;
  if (opts.archive.startsWith('gs://')) {
    cleanup = dir = await mkdtemp(join(tmpdir(), 'eventpath-archive-'));
    const copied = await downloadArchive(opts.archive, opts.gcsEndpoint ?? process.env['GCS_API_ENDPOINT'], dir);
    console.error(`copied ${copied} Parquet objects from ${opts.archive}`);
  }
  try {
    const topics = await archivedTopics(dir);
    if (topics.length === 0) {
      console.error(`no Parquet files under ${opts.archive} yet (files appear once their window has closed)`);
      process.exitCode = 1;
      return;
    }
    const sql =
      program.args[0] ??
      topics.map((topic) => `SELECT '${topic}' AS topic, count(*) AS events, min(__kafka_timestamp) AS first, max(__kafka_timestamp) AS last FROM "${topic}"`).join(' UNION ALL ');
    const rows = await queryArchive(dir, sql);
    if (opts.json) for (const row of rows) console.log(JSON.stringify(row));
    else console.table(rows);
  } finally {
    if (cleanup) await rm(cleanup, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
