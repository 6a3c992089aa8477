import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { eventually } from '../test-support';
import { superviseApp } from './app-supervisor';
import { descendantPids, processesAlive } from './process-check';

/** The supervisor on small real processes: restarts, giving up, prefixed lines, a stop that reaches the app's own children, nothing left when the supervisor is killed. */
describe('superviseApp', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'app-supervisor-'));
    await writeFile(join(dir, 'crashes.ts'), "console.log(JSON.stringify({ level: 50, time: Date.now(), msg: 'boom', pid: process.pid }));\nprocess.exit(3);\n");
    await writeFile(
      join(dir, 'runs.ts'),
      [
        "import { spawn } from 'node:child_process';",
        "const child = spawn('sleep', ['600'], { stdio: 'ignore' });",
        "console.log(`child ${child.pid}`);",
        "process.on('SIGTERM', () => console.log('ignoring SIGTERM'));",
        'setInterval(() => undefined, 1000);',
      ].join('\n'),
    );
    // A supervisor in a process of its own, to be killed by SIGKILL.
    await writeFile(
      join(dir, 'supervisor.ts'),
      [
        `import { superviseApp } from ${JSON.stringify(join(__dirname, 'app-supervisor'))};`,
        `superviseApp({ name: 'runner', entry: ${JSON.stringify(join(dir, 'runs.ts'))}, cwd: process.cwd(), env: process.env }, { write: (line) => console.log(line), onGiveUp: () => undefined });`,
      ].join('\n'),
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('restarts an app that dies, says so, and gives up after too many deaths within the window', async () => {
    const lines: string[] = [];
    const gaveUp: string[] = [];
    const app = superviseApp(
      { name: 'crasher', entry: join(dir, 'crashes.ts'), cwd: process.cwd(), env: process.env },
      { write: (line) => lines.push(line), policy: { delayMs: 50, maxRestarts: 2, windowMs: 60_000 }, onGiveUp: (name) => gaveUp.push(name) },
    );
    await eventually(() => gaveUp.length === 1, 30_000, 'the supervisor giving up');
    expect(gaveUp).toEqual(['crasher']);
    expect(app.pids).toHaveLength(3);
    expect(app.restarts()).toBe(2);
    expect(lines.filter((line) => /^crasher \| \d\d:\d\d:\d\d ERROR boom$/.test(line))).toHaveLength(3);
    expect(lines.filter((line) => line.includes('!!! crasher exited with code 3') && line.includes('restarting it'))).toHaveLength(2);
    expect(lines.some((line) => line.includes('!!! crasher exited with code 3') && line.includes('giving up'))).toBe(true);
    await app.stop(1000);
    expect(app.pids).toHaveLength(3);
  }, 40_000);

  it('stops the app and what it spawned, with SIGKILL when it ignores SIGTERM', async () => {
    const lines: string[] = [];
    const app = superviseApp({ name: 'runner', entry: join(dir, 'runs.ts'), cwd: process.cwd(), env: process.env }, { write: (line) => lines.push(line), onGiveUp: () => undefined });
    await eventually(() => lines.some((line) => line.startsWith('runner | child ')), 20_000, 'the app started its child');
    const grandchild = Number(lines.find((line) => line.startsWith('runner | child '))!.split(' ').at(-1));
    const pid = app.pid()!;
    expect(processesAlive([pid, grandchild])).toEqual([pid, grandchild]);
    await app.stop(1500);
    expect(lines).toContain('runner | ignoring SIGTERM');
    await eventually(() => processesAlive([pid, grandchild]).length === 0, 5000, 'the app and its child gone');
    expect(app.restarts()).toBe(0);
  }, 30_000);

  it('kills the app and what it spawned when the supervising process dies by SIGKILL', async () => {
    const supervisor = spawn(process.execPath, ['--import', 'tsx', join(dir, 'supervisor.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines: string[] = [];
    createInterface({ input: supervisor.stdout! }).on('line', (line) => lines.push(line));
    await eventually(() => lines.some((line) => line.startsWith('runner | child ')), 20_000, 'the app started its child');
    const grandchild = Number(lines.find((line) => line.startsWith('runner | child '))!.split(' ').at(-1));
    const processes = descendantPids(supervisor.pid!);
    expect(processes).toContain(grandchild);
    supervisor.kill('SIGKILL');
    await eventually(() => processesAlive(processes).length === 0, 10_000, `no process left of ${processes.join(', ')}`);
  }, 30_000);
});
