import { execFile } from 'node:child_process';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { DuckDb, sqlString } from '../test-support/duckdb';
import { ENCODER_WORKER_FILE } from './encoder-worker-client';

const run = promisify(execFile);
const repoRoot = join(__dirname, '..', '..', '..', '..', '..');
// Inside the repository (git ignores tmp/), so that built code finds node_modules as an app's would.
const scratch = join(repoRoot, 'tmp', 'storage-encoder-worker-builds');

/** A script writing a small file with the parquet-wasm writer of `storage` (a module path), printing its summary. */
const writerScript = (storage: string) => `
const { createParquetWriter } = require(${JSON.stringify(storage)});
(async () => {
  const schema = { fields: [{ kind: 'primitive', name: 'id', repetition: 'REQUIRED', physicalType: 'INT64' }] };
  const writer = await createParquetWriter(process.argv[2], { schema }, 'parquet-wasm');
  await writer.appendRows(Array.from({ length: 1000 }, (_, i) => ({ id: BigInt(i) })));
  console.log(JSON.stringify(await writer.close()));
})().catch((error) => { console.error(error.message); process.exit(1); });
`;

/**
 * The encoder runs in a worker thread whose script (plain JavaScript) must be found where
 * the code runs: beside the library module in Jest and tsx (this test suite itself), in the
 * library's `nx build` output (an asset of project.json), and beside main.js in an app
 * bundle made with esbuild (which does not bundle workers: the app copies the script).
 */
describe('the parquet-wasm encoder worker outside the sources', () => {
  let duckdb: DuckDb;

  beforeAll(async () => {
    await rm(scratch, { recursive: true, force: true });
    await mkdir(scratch, { recursive: true });
    duckdb = await DuckDb.open();
  });

  afterAll(async () => {
    duckdb?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  const rowsIn = async (path: string) => (await duckdb.query(`SELECT count(*)::INTEGER AS n, sum(id)::BIGINT AS s FROM read_parquet(${sqlString(path)})`))[0];

  it('starts from the output of nx build storage', async () => {
    const output = join(scratch, 'storage-build');
    // nx takes the output path relative to the workspace (for its assets too).
    await run('npx', ['nx', 'run', 'storage:build', `--outputPath=${relative(repoRoot, output)}`, '--excludeTaskDependencies', '--outputStyle=static'], {
      cwd: repoRoot,
      timeout: 240_000,
    });
    const script = join(scratch, 'write-with-build.cjs');
    await writeFile(script, writerScript(join(output, 'src', 'index.js')));
    const file = join(scratch, 'from-build.parquet');
    const { stdout } = await run(process.execPath, [script, file], { cwd: scratch, timeout: 60_000 });
    expect(JSON.parse(stdout)).toMatchObject({ rows: 1000 });
    expect(await rowsIn(file)).toEqual({ n: 1000, s: '499500' });
  }, 300_000);

  it('starts from an esbuild app bundle that ships the script beside main.js, and says what is missing when it does not', async () => {
    const entry = join(scratch, 'app.ts');
    await writeFile(entry, `import { createParquetWriter } from '@eventpath/storage';\n${writerScript('@eventpath/storage').replace(/^const \{ createParquetWriter \} = require\(.*\);$/m, '')}`);
    const { dependencies = {}, devDependencies = {} } = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    // As apps/*/project.json builds: workspace libs bundled, npm packages left to node_modules ("thirdParty": false).
    const bundle = async (directory: string) => {
      await build({
        entryPoints: [entry],
        outfile: join(directory, 'main.js'),
        bundle: true,
        platform: 'node',
        format: 'cjs',
        tsconfig: join(repoRoot, 'tsconfig.base.json'),
        external: [...Object.keys(dependencies), ...Object.keys(devDependencies)],
        logLevel: 'silent',
      });
      return join(directory, 'main.js');
    };

    const withScript = await bundle(join(scratch, 'app-with-worker'));
    await copyFile(join(__dirname, ENCODER_WORKER_FILE), join(scratch, 'app-with-worker', ENCODER_WORKER_FILE));
    const file = join(scratch, 'from-bundle.parquet');
    const { stdout } = await run(process.execPath, [withScript, file], { cwd: scratch, timeout: 60_000 });
    expect(JSON.parse(stdout)).toMatchObject({ rows: 1000 });
    expect(await rowsIn(file)).toEqual({ n: 1000, s: '499500' });

    const withoutScript = await bundle(join(scratch, 'app-without-worker'));
    const failure = await run(process.execPath, [withoutScript, join(scratch, 'never.parquet')], { cwd: scratch, timeout: 60_000 }).catch((error: { stderr: string }) => error);
    expect((failure as { stderr: string }).stderr).toMatch(/parquet-encoder-worker\.cjs is missing .*beside its main\.js/);
  }, 120_000);
});
