import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';

const REPO_ROOT = join(__dirname, '..', '..', '..', '..');

let built: Promise<string> | undefined;

/**
 * The archiver bundled as `nx run archiver:build` bundles it (esbuild, CommonJS,
 * workspace libs inlined, npm packages left to node_modules), built once per
 * test file into the repo's tmp/ so its packages resolve. Tests run it as a
 * process of its own to SIGKILL it, as an orchestrator would.
 */
export function archiverBundle(): Promise<string> {
  built ??= (async () => {
    const outdir = join(REPO_ROOT, 'tmp', `archiver-test-bundle-${process.pid}`);
    await mkdir(outdir, { recursive: true });
    const outfile = join(outdir, 'main.cjs');
    await build({
      entryPoints: [join(REPO_ROOT, 'apps', 'archiver', 'src', 'main.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      packages: 'external',
      tsconfig: join(REPO_ROOT, 'tsconfig.base.json'),
      logLevel: 'silent',
      sourcemap: 'inline',
    });
    // libs/storage's parquet-wasm writer runs this script in a worker; bundles ship it beside main.cjs (see project.json).
    await copyFile(join(REPO_ROOT, 'libs', 'storage', 'src', 'parquet', 'parquet-wasm', 'parquet-encoder-worker.cjs'), join(outdir, 'parquet-encoder-worker.cjs'));
    return outfile;
  })();
  return built;
}
