import { eventually, testKafkaKind } from '@eventpath/dev-infra';
import { CommitAudit, DoneLedger } from './test-support/commit-audit';
import { plainConsumerConfig, startConsumerProcess, type ConsumerProcess, type ConsumerProcessOptions } from './test-support/consumer-processes';
import { startConsumerTestBed, type ConsumerTestBed } from './test-support/consumer-test-bed';

const PARTITIONS = 4;
const PER_PARTITION = 100;
const SESSION_TIMEOUT_MS = 6000;

// Two members in separate processes need a real group coordinator: the dev
// broker needs a partition assigner (a function) that cannot be passed to a
// child process, and notices a killed member only after two sessions.
const describeOnRealKafka = testKafkaKind() === 'dev' ? describe.skip : describe;

describeOnRealKafka('a consumer group of two processes, one SIGKILLed (Apache Kafka; skipped on the dev broker)', () => {
  let bed: ConsumerTestBed;
  const children: ConsumerProcess[] = [];

  beforeAll(async () => {
    bed = await startConsumerTestBed('takeover-test');
  });
  afterAll(async () => {
    await Promise.all(children.map((child) => child.kill()));
    await bed?.release();
  });

  it('lets the survivor take over the dead member’s partitions from their committed offsets, committing nothing undone', async () => {
    const topic = await bed.topic('takeover', PARTITIONS);
    const messages = [];
    for (let partition = 0; partition < PARTITIONS; partition++) {
      for (let i = 0; i < PER_PARTITION; i++) messages.push({ partition, value: `p${partition}-m${i}` });
    }
    await bed.produce(topic, messages);
    const groupId = `takeover-${Date.now()}`;
    const ledger = new DoneLedger();
    const audit = new CommitAudit(bed.admin, groupId, topic, ledger, { intervalMs: 100 });

    /** When the doomed member was killed; 0 until then. */
    let killedAt = 0;
    let doomedPartitions: number[] = [];
    const takenOver = new Map<number, { at: number; first: string }>();
    // Per partition, the highest offset each member delivered since its latest assignment.
    const sinceAssignment = new Map<string, Map<number, number>>();
    const member = (name: string, extra: Partial<ConsumerProcessOptions>): ConsumerProcess => {
      sinceAssignment.set(name, new Map());
      const child = startConsumerProcess({
        name,
        clientConfig: bed.testKafka.clientConfig(name),
        consumerConfig: plainConsumerConfig(bed.testKafka.consumerConfig(groupId, { sessionTimeout: SESSION_TIMEOUT_MS, heartbeatInterval: 500 })),
        groupId,
        topic,
        onEvent: (event) => {
          const seen = sinceAssignment.get(name) as Map<number, number>;
          if (event.event === 'done') ledger.markDone(event.partition, event.offset);
          else if (event.event === 'assigned') seen.clear();
          else if (event.event === 'delivered') {
            seen.set(event.partition, Math.max(seen.get(event.partition) ?? -1, ...event.offsets.map(Number)));
            if (name === 'survivor' && killedAt > 0 && doomedPartitions.includes(event.partition) && !takenOver.has(event.partition)) {
              takenOver.set(event.partition, { at: Date.now(), first: event.offsets[0] });
            }
          }
        },
        ...extra,
      });
      children.push(child);
      return child;
    };

    audit.start();
    // The doomed member never finishes a fifth of its work (held far beyond the test).
    const doomed = member('doomed', { hold: { fraction: 0.2, ms: 10 * 60_000, seed: 7 } });
    await eventually(() => doomed.assignments.length >= 1, 30_000, 'the first member to join');
    const survivor = member('survivor', {});
    const latest = (child: ConsumerProcess) => child.assignments[child.assignments.length - 1]?.[0]?.partitions ?? [];
    await eventually(
      () => latest(doomed).length === 2 && latest(survivor).length === 2 && doomed.assignments.length >= 2,
      30_000,
      'two partitions each',
    );
    doomedPartitions = latest(doomed);
    const survivorPartitions = latest(survivor);
    await eventually(
      async () => {
        const committed = await bed.committed(groupId, topic);
        const doomedDone = doomedPartitions.every((p) => sinceAssignment.get('doomed')?.get(p) === PER_PARTITION - 1);
        return doomedDone && survivorPartitions.every((p) => committed[p] === String(PER_PARTITION));
      },
      30_000,
      'everything delivered, the survivor’s partitions committed',
    );

    await doomed.kill();
    killedAt = Date.now();
    const atKill = await bed.committed(groupId, topic);
    for (const p of doomedPartitions) expect(Number(atKill[p])).toBeLessThan(PER_PARTITION);

    await eventually(() => takenOver.size === doomedPartitions.length, SESSION_TIMEOUT_MS + 15_000, 'the survivor to take over');
    const takeoverMs = Math.max(...[...takenOver.values()].map((t) => t.at - killedAt));
    // The coordinator notices the silent member after one session timeout; then one rebalance and a fetch.
    expect(takeoverMs).toBeLessThan(SESSION_TIMEOUT_MS + 3000);
    for (const p of doomedPartitions) expect(takenOver.get(p)?.first).toBe(atKill[p]);

    await eventually(
      async () => (await bed.committed(groupId, topic)).every((offset) => offset === String(PER_PARTITION)),
      30_000,
      'all partitions committed by the survivor',
    );
    await audit.stop();
    expect({ violations: audit.violations.length, first: audit.violations.slice(0, 3) }).toEqual({ violations: 0, first: [] });
    for (let p = 0; p < PARTITIONS; p++) expect(ledger.lowestNotDone(p)).toBe(BigInt(PER_PARTITION));
  }, 120_000);
});
