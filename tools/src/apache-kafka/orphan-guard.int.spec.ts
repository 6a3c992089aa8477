import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { eventually } from '../test-support';

const HOLDER = join(__dirname, 'test-support', 'cluster-holder.ts');

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('a test process that dies by SIGKILL', () => {
  it('takes its Kafka nodes with it: no java process is left behind', async () => {
    const holder = spawn(process.execPath, ['--import', 'tsx', HOLDER], { stdio: ['ignore', 'pipe', 'inherit'] });
    const pids = await new Promise<number[]>((resolve, reject) => {
      createInterface({ input: holder.stdout }).once('line', (line) => resolve(JSON.parse(line) as number[]));
      holder.once('exit', (code) => reject(new Error(`holder exited early with ${code}`)));
    });
    expect(pids).toHaveLength(2);
    expect(pids.every(isAlive)).toBe(true);
    holder.kill('SIGKILL');
    await eventually(() => !pids.some(isAlive), 15_000, 'both java processes to be gone');
  }, 120_000);
});
