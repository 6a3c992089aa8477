import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';

const CLI = join(__dirname, 'cli.ts');

describe('the Apache Kafka command line', () => {
  let child: ChildProcessByStdio<Writable, Readable, null>;
  let lines: Interface;
  const nextLine = () => new Promise<Record<string, unknown>>((resolve) => lines.once('line', (line) => resolve(JSON.parse(line))));

  afterAll(() => child?.kill('SIGKILL'));

  it('prints a ready line, answers commands on stdin, and stops at end of input', async () => {
    child = spawn(process.execPath, ['--import', 'tsx', CLI, '--topic', 'cli-topic:2'], { stdio: ['pipe', 'pipe', 'inherit'] });
    lines = createInterface({ input: child.stdout });
    const ready = await nextLine();
    expect(ready).toMatchObject({ ready: true, bootstrap: expect.stringMatching(/^127\.0\.0\.1:\d+$/) });
    const [node] = ready['nodes'] as Array<{ pid: number }>;

    child.stdin.write('describe cli-topic\n');
    expect(await nextLine()).toMatchObject({ ok: true, topic: { name: 'cli-topic', partitions: [{ partition: 0, leader: 1 }, { partition: 1, leader: 1 }] } });
    child.stdin.write('create second 3 1\n');
    expect(await nextLine()).toEqual({ ok: true });
    child.stdin.write('pause 4\n');
    expect(await nextLine()).toEqual({ ok: false, error: 'no node 4: this cluster has nodes 1..1' });
    child.stdin.write('frobnicate\n');
    expect(await nextLine()).toMatchObject({ ok: false, error: expect.stringMatching(/^unknown command "frobnicate"; commands: kill/) });

    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.stdin.end();
    expect(await exited).toBe(0);
    expect(() => process.kill(node.pid, 0)).toThrow(/ESRCH/);
  }, 120_000);
});
