import { join } from 'node:path';
import { eventually, seededRandom } from '@eventpath/dev-infra';
import { ARCHIVER_GROUP_ID, DEAD_LETTER_TOPIC, WORKER_GROUP_ID } from './app-configs';
import { archivedEventIds, mergedEventIds, type ArchivedTopic } from './archived-event-ids';
import { auditArchive, type AuditRun } from './archive-audit';
import { chaosRound, sleep } from './chaos-faults';
import { chaosSummary, reconcile, type HopIds } from './chaos-summary';
import { EventTraffic } from './event-traffic';
import { FaultTimeline } from './fault-timeline';
import { PipelineBacklog } from './pipeline-backlog';
import { PipelineGauges } from './pipeline-gauges';
import { startPipelineStack, type PipelineStack } from './pipeline-stack';
import { SAMPLE_TOPICS, SampleEncoder } from './sample-schema';
import { topicEventIds } from './topic-event-ids';

// CI-sized by default (~2-3 minutes here); EVENTPATH_E2E_LONG=1 sends more events through more rounds of faults.
const LONG = process.env['EVENTPATH_E2E_LONG'] === '1';
const SEED = Number(process.env['EVENTPATH_E2E_SEED'] ?? Date.now() % 1_000_000_000);
const SETTINGS = LONG
  ? { eventsPerSecond: 250, maxBatch: 100, rounds: 4, outageMs: { min: 5_000, max: 15_000 }, gapMs: { min: 1_000, max: 8_000 } }
  : { eventsPerSecond: 50, maxBatch: 40, rounds: 1, outageMs: { min: 4_000, max: 7_000 }, gapMs: { min: 500, max: 2_500 } };
const TOPICS = SAMPLE_TOPICS.map((t) => t.topic);
/** The drain fails when no backlog shrank for this long. */
const DRAIN_STALL_MS = 120_000;

describe('the whole pipeline under chaos: every event acknowledged with 2xx reaches the Parquet archive', () => {
  let stack: PipelineStack;
  let failed = false;

  beforeAll(async () => {
    stack = await startPipelineStack();
  }, 300_000);
  afterAll(async () => {
    await stack?.stop({ keep: failed });
  }, 60_000);

  it(`loses no acknowledged event while Kafka clusters, apps and GCS fail (seed ${SEED})`, async () => {
    console.log(`pipeline chaos: seed ${SEED}${LONG ? ' (long run)' : ''}; logs in ${stack.addresses.dir} (EVENTPATH_E2E_KEEP=1 keeps them)`);
    const random = seededRandom(SEED);
    const began = Date.now();
    const timeline = new FaultTimeline(began);
    const traffic = new EventTraffic({ gatewayUrl: stack.gatewayUrl, encoder: await SampleEncoder.load(), random: seededRandom(SEED + 1), eventsPerSecond: SETTINGS.eventsPerSecond, idPrefix: `e2e-${SEED}`, maxBatch: SETTINGS.maxBatch });
    const backlog = new PipelineBacklog(stack.addresses, { worker: WORKER_GROUP_ID, archiver: ARCHIVER_GROUP_ID }, TOPICS);
    const gauges = new PipelineGauges(backlog);
    try {
      traffic.start();
      gauges.start();
      await eventually(() => traffic.acknowledged.size >= 100, 180_000, 'the first 100 events acknowledged before any fault');

      for (let round = 0; round < SETTINGS.rounds; round++) {
        const { outages, kills } = chaosRound(stack, random, SETTINGS.outageMs, () => traffic.durability('failover'));
        for (const [index, outage] of outages.entries()) {
          // A seeded pause between outages, while events keep flowing; the kills planned during this outage run beside it.
          await sleep(SETTINGS.gapMs.min + random() * (SETTINGS.gapMs.max - SETTINGS.gapMs.min));
          const during = kills.filter((kill) => kill.during === index).map(async (kill) => (await sleep(kill.delayMs), timeline.record(kill.fault.name, () => kill.fault.inject())));
          await Promise.all([timeline.record(outage.name, () => outage.inject()), ...during]);
        }
      }
      await sleep(2_000);

      // The producer stops; what was not acknowledged yet is retried for a while, then given up on (and not expected).
      const giveUp = setTimeout(() => traffic.giveUp(), 60_000);
      await traffic.finish();
      clearTimeout(giveUp);
      expect(traffic.refusals).toEqual([]);

      // Everything drains: the failover streams into the fronting Kafka, the fronting Kafka into the mainstream one, that into the archive.
      await backlog.untilDrained(DRAIN_STALL_MS);
      await gauges.stop();

      const audits: AuditRun[] = [];
      const archive: ArchivedTopic[] = [];
      for (const topic of TOPICS) {
        audits.push(await auditArchive(stack.archiverConfigPath, topic));
        archive.push(await archivedEventIds({ gcsUrl: stack.gcs.url, bucket: stack.addresses.bucket, prefix: stack.addresses.archivePrefix, topic, into: join(stack.addresses.dir, 'downloaded') }));
      }
      const result = reconcile(traffic, archive);
      const hops: HopIds[] = [
        { hop: 'fronting Kafka', ids: await topicEventIds(stack.fronting.bootstrap, TOPICS) },
        { hop: 'mainstream Kafka', ids: await topicEventIds(stack.mainstream.bootstrap, TOPICS) },
        { hop: 'archive (Parquet)', ids: mergedEventIds(archive) },
      ];
      const unexpectedExits = stack.apps.flatMap((app) => app.unexpectedExits);
      const workerDeadLetters = await backlog.frontingRecords(DEAD_LETTER_TOPIC);
      console.log(chaosSummary({ seed: SEED, seconds: (Date.now() - began) / 1000, traffic, timeline, gauges, audits, archive, result, hops, workerDeadLetters, unexpectedExits }));
      if (result.lost.length > 0) console.log(`lost ids (first 50): ${result.lost.slice(0, 50).map((id) => `${id} (${traffic.acknowledged.get(id)})`).join(', ')}`);

      // Both durability levels were exercised: the fronting outage sent events through Redis.
      expect(traffic.durability('kafka')).toBeGreaterThan(0);
      expect(traffic.durability('failover')).toBeGreaterThan(0);
      // The audit finds every mainstream offset in the archive...
      for (const audit of audits) {
        expect({ topic: audit.topic, code: audit.code, missing: audit.totals?.missing }).toEqual({ topic: audit.topic, code: 0, missing: 0 });
      }
      // ...and DuckDB every acknowledged id, and nothing that was never sent.
      expect(result.unknown).toEqual([]);
      expect(result.lost.length).toBe(0);
    } catch (error) {
      failed = true;
      traffic.giveUp();
      await Promise.all([traffic.finish(), gauges.stop()]);
      for (const app of stack.apps) console.log(`--- ${app.name} log (tail) ---\n${await app.logTail(4000)}`);
      throw error;
    } finally {
      await backlog.close();
    }
  }, 900_000);
});
