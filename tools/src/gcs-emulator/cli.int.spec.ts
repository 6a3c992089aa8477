import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

const WORKSPACE_ROOT = resolve(__dirname, '../../..');

/** Resolves with the first stdout line: the ready line. */
interface ReadyLine {
  ready: boolean;
  url: string;
  dataDir: string;
}

async function readyLine(child: ChildProcessByStdio<null, Readable, null>): Promise<ReadyLine> {
  const lines = createInterface({ input: child.stdout });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`CLI exited with ${code} before it was ready`);
  });
  const [line] = (await Promise.race([once(lines, 'line'), exited])) as [string];
  lines.close();
  return JSON.parse(line);
}

describe('gcs-emulator CLI', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gcs-emulator-cli-'));
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('prints a ready line, serves requests, and exits cleanly on SIGTERM keeping its data', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(__dirname, 'cli.ts'), '--port', '0', '--data', dataDir, '--bucket', 'cli-bucket'],
      { cwd: WORKSPACE_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const ready = await readyLine(child);
      expect(ready).toEqual({ ready: true, url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), dataDir });

      const response = await fetch(`${ready.url}/storage/v1/b/cli-bucket`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ kind: 'storage#bucket', name: 'cli-bucket' });

      const exit = once(child, 'exit');
      child.kill('SIGTERM');
      expect(await exit).toEqual([0, null]);
      await access(join(dataDir, 'buckets', 'cli-bucket', 'bucket.json'));
    } finally {
      child.kill('SIGKILL');
    }
  });
});
