import * as path from 'node:path';
import { connectDevKafkaControl } from './control-client';
import { startDevKafka, type DevKafka } from './start-dev-kafka';
import { acceptsConnections } from './test-support/accepts-connections';
import { spawnTsx } from './test-support/tsx-process';

const CONTROL_COMMAND_SCRIPT = path.join(__dirname, 'test-support', 'control-command.ts');

describe('the launcher’s TCP control port', () => {
  let broker: DevKafka;

  beforeAll(async () => {
    broker = await startDevKafka({ topics: ['audit:2'], controlPort: 0 });
  });

  afterAll(() => broker.stop());

  it('takes commands from another process', async () => {
    const other = spawnTsx(CONTROL_COMMAND_SCRIPT, [String(broker.controlPort), 'create ledger 3', 'down 1', 'nonsense']);

    expect(await other.closed).toBe(0);
    expect(other.lines).toEqual([
      { ok: true, topic: 'ledger', partitions: 3 },
      { ok: true, broker: 1 },
      { ok: false, error: expect.stringContaining('unknown command') as unknown },
    ]);
    // The broker the other process took down is down for everyone.
    expect(await acceptsConnections(broker.brokerNodes[0].port)).toBe(false);
    await broker.up(1);
    expect(await broker.topics()).toEqual(
      expect.arrayContaining([
        { name: 'audit', partitions: 2 },
        { name: 'ledger', partitions: 3 },
      ]),
    );
  });

  it('answers several connections at once, each in its own order', async () => {
    const clients = await Promise.all([1, 2, 3].map(() => connectDevKafkaControl(broker.controlPort as number)));
    const rounds = [...clients, broker].map((control, c) =>
      Promise.all(
        Array.from({ length: 10 }, async (_, i) => {
          await control.createTopic(`parallel-${c}-${i}`, 1 + (i % 3));
          return control.watermarks(`parallel-${c}-${i}`, 0);
        }),
      ),
    );

    const results = await Promise.all(rounds);
    expect(results.flat()).toHaveLength(40);
    expect(results.flat().every(({ low, high }) => low === 0 && high === 0)).toBe(true);

    await Promise.all(clients.map((client) => client.close()));
    // Closing control connections leaves the broker running.
    expect((await broker.topics()).filter(({ name }) => name.startsWith('parallel-'))).toHaveLength(40);
  });

  it('rejects connecting where no launcher listens', async () => {
    const stopped = await startDevKafka({ controlPort: 0 });
    await stopped.stop();

    await expect(connectDevKafkaControl(stopped.controlPort as number)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
