import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

// CI runs every benchmark in its small --smoke mode: it proves each still runs
// end to end and prints its comparison table; the numbers are not judged here.
const benchDir = __dirname;
const benches = readdirSync(benchDir).filter((name) => name.endsWith('.bench.ts'));
const repoRoot = join(__dirname, '..', '..');

describe('benchmarks in smoke mode', () => {
  it('has a benchmark for each lib', () => {
    expect(benches.sort()).toEqual(expect.arrayContaining(['queues.bench.ts', 'schemas.bench.ts', 'storage.bench.ts']));
  });

  it.each(benches)('%s runs and prints a table with a baseline and peak memory', (bench) => {
    const result = spawnSync(join(repoRoot, 'node_modules', '.bin', 'tsx'), [join(benchDir, bench), '--smoke'], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (result.status !== 0) throw new Error(`${bench} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
    expect(result.stdout).toMatch(/baseline/i);
    expect(result.stdout).toMatch(/rss/i);
  }, 150_000);
});
