import * as path from 'node:path';
import { connectDevKafkaControl } from './control-client';
import { acceptsConnections } from './test-support/accepts-connections';
import { spawnTsx, type TsxProcess } from './test-support/tsx-process';

const CLI = path.join(__dirname, 'cli.ts');

interface Ready {
  ready: true;
  bootstrap: string;
  brokers: Array<{ id: number; host: string; port: number }>;
  controlPort?: number;
}

describe('the dev-kafka command line', () => {
  const started: TsxProcess[] = [];
  const startCli = async (args: string[]): Promise<{ cli: TsxProcess; ready: Ready }> => {
    const cli = spawnTsx(CLI, args);
    started.push(cli);
    const ready = (await cli.waitForLine((line) => line.ready === true)) as unknown as Ready;
    return { cli, ready };
  };

  afterAll(async () => {
    for (const cli of started) cli.child.kill('SIGKILL');
    await Promise.all(started.map((cli) => cli.closed));
  });

  it('prints the ready line, answers stdin commands and the control port, and stops when stdin ends', async () => {
    const { cli, ready } = await startCli(['--brokers', '2', '--topic', 'events:4', '--control-port', '0']);
    expect(ready.brokers.map(({ id }) => id)).toEqual([1, 2]);
    expect(ready.bootstrap).toBe(ready.brokers.map(({ host, port }) => `${host}:${port}`).join(','));

    const control = await connectDevKafkaControl(ready.controlPort as number);
    expect(await control.topics()).toEqual([{ name: 'events', partitions: 4 }]);
    await control.close();

    cli.child.stdin.write('down 2\nbogus\n');
    expect(await cli.waitForLine((line) => line.broker === 2)).toEqual({ ok: true, broker: 2 });
    await cli.waitForLine((line) => line.ok === false);
    expect(await acceptsConnections(ready.brokers[1].port)).toBe(false);

    cli.child.stdin.end();
    expect(await cli.closed).toBe(0);
    expect(await acceptsConnections(ready.brokers[0].port)).toBe(false);
  });

  it('stops the cluster on SIGTERM', async () => {
    const { cli, ready } = await startCli([]);

    cli.child.kill('SIGTERM');
    expect(await cli.closed).toBe(0);
    expect(await acceptsConnections(ready.brokers[0].port)).toBe(false);
  });

  it('rejects bad options before starting anything', async () => {
    const cli = spawnTsx(CLI, ['--brokers', 'many']);
    started.push(cli);

    expect(await cli.closed).not.toBe(0);
    expect(cli.stderr()).toContain('expected an integer from 1 to 64');
  });
});
