import { mergedEventIds, type ArchivedTopic } from './archived-event-ids';
import type { AuditRun } from './archive-audit';
import type { Durability, EventTraffic } from './event-traffic';
import type { FaultTimeline } from './fault-timeline';
import type { GaugeName, PipelineGauges } from './pipeline-gauges';
import type { UnexpectedExit } from './supervised-app';

/** Backlog peaks are read from a fault's start until this long after it ended: its effects outlast it. */
const AFTERMATH_MS = 5_000;

/** What the archive holds against what the gateway acknowledged. */
export interface Reconciliation {
  archived: number;
  /** Rows beyond the first copy of each id. */
  duplicates: number;
  /** The same, by where the gateway said the event was durable: which path made the copies. */
  duplicatesBy: Record<Durability, number>;
  /** Acknowledged ids in no Parquet file. */
  lost: string[];
  /** Ids in the archive that were never sent. */
  unknown: string[];
  /** Sent, never acknowledged (given up on), yet archived: the at-least-once side of a cut answer. */
  archivedUnacknowledged: number;
}

export function reconcile(traffic: EventTraffic, archive: ArchivedTopic[]): Reconciliation {
  const archived = mergedEventIds(archive);
  let duplicates = 0;
  const duplicatesBy: Record<Durability, number> = { kafka: 0, failover: 0 };
  for (const [id, copies] of archived) {
    duplicates += copies - 1;
    const where = traffic.acknowledged.get(id);
    if (where) duplicatesBy[where] += copies - 1;
  }
  return {
    archived: archived.size,
    duplicates,
    duplicatesBy,
    lost: [...traffic.acknowledged.keys()].filter((id) => !archived.has(id)),
    unknown: [...archived.keys()].filter((id) => !traffic.sent.has(id)),
    archivedUnacknowledged: [...archived.keys()].filter((id) => traffic.sent.has(id) && !traffic.acknowledged.has(id)).length,
  };
}

/** One hop's copy of the events: event id → records carrying it. */
export interface HopIds {
  hop: string;
  ids: Map<string, number>;
}

/** Records, distinct ids, extra copies and acknowledged ids missing, at each hop: where copies were made, where an event went missing. */
function hopTable(traffic: EventTraffic, hops: HopIds[]): string {
  const rows = hops.map(({ hop, ids }) => {
    let records = 0;
    for (const copies of ids.values()) records += copies;
    const missing = [...traffic.acknowledged.keys()].filter((id) => !ids.has(id)).length;
    return `| ${hop} | ${records} | ${ids.size} | ${records - ids.size} | ${missing} |`;
  });
  return ['| hop | records | distinct ids | extra copies | acknowledged ids missing |', '|---|---|---|---|---|', ...rows].join('\n');
}

/** The run's report: what was sent and acknowledged, what the archive holds, the faults and how long each lasted. */
export function chaosSummary(input: {
  seed: number;
  seconds: number;
  traffic: EventTraffic;
  timeline: FaultTimeline;
  gauges: PipelineGauges;
  audits: AuditRun[];
  archive: ArchivedTopic[];
  result: Reconciliation;
  hops: HopIds[];
  /** Records in the worker's dead-letter topic. */
  workerDeadLetters: number;
  unexpectedExits: UnexpectedExit[];
}): string {
  const { traffic, result } = input;
  const formats = (['json-single', 'json-batch', 'protobuf'] as const).map((f) => `${f} ${traffic.count(f).requests} requests / ${traffic.count(f).events} events`);
  const attempts = traffic.outcomes.reduce((n, o) => n + o.attempts, 0);
  const retried = traffic.outcomes.filter((o) => o.attempts > 1).length;
  const lines = [
    `pipeline chaos run, seed ${input.seed} (EVENTPATH_E2E_SEED=${input.seed} replays it), ${input.seconds.toFixed(0)} s`,
    '',
    '| count | events |',
    '|---|---|',
    `| sent | ${traffic.sent.size} |`,
    `| acknowledged 2xx | ${traffic.acknowledged.size} |`,
    `| … durable in the fronting Kafka (status kafka) | ${traffic.durability('kafka')} |`,
    `| … durable in the Redis failover stream (status failover) | ${traffic.durability('failover')} |`,
    `| never acknowledged (given up) | ${traffic.sent.size - traffic.acknowledged.size} |`,
    `| archived (distinct ids in Parquet) | ${result.archived} |`,
    `| duplicates (rows beyond the first copy) | ${result.duplicates} |`,
    `| … of events acknowledged as kafka / failover | ${result.duplicatesBy.kafka} / ${result.duplicatesBy.failover} |`,
    `| archived though never acknowledged | ${result.archivedUnacknowledged} |`,
    `| lost (acknowledged, not archived) | ${result.lost.length} |`,
    '',
    hopTable(traffic, input.hops),
    '',
    `requests: ${formats.join('; ')}; ${attempts} attempts, ${retried} requests retried`,
    `archive: ${input.archive.map((a) => `${a.topic} ${a.objects} objects / ${a.rows} rows`).join('; ')}`,
    `audit: ${input.audits.map((a) => `${a.topic} exit ${a.code}${a.totals ? ` (expected ${a.totals.expected}, archived ${a.totals.archived}, missing ${a.totals.missing}, duplicates ${a.totals.duplicateRecords}, dead-lettered ${a.totals.deadLettered})` : ''}`).join('; ')}`,
    `dead letters: ${input.workerDeadLetters} in the worker's dead-letter topic`,
    `exits nobody asked for (restarted by the supervisor): ${input.unexpectedExits.length === 0 ? 'none' : input.unexpectedExits.map((e) => `${e.app} ${e.how}`).join(', ')}`,
    '',
    faultTable(input.timeline, input.gauges),
  ];
  return lines.join('\n');
}

/** What each fault did, how long it lasted, and the peaks of the backlogs from its start until a few seconds after it. */
function faultTable(timeline: FaultTimeline, gauges: PipelineGauges): string {
  const peak = (gauge: GaugeName, from: number, to: number) => String(gauges.peak(gauge, from, to + AFTERMATH_MS) ?? 'unreadable');
  const rows = [...timeline.records].sort((a, b) => a.startedAt - b.startedAt).map(
    (r) =>
      `| ${r.name} | +${timeline.seconds(r.startedAt)} s | ${((r.endedAt - r.startedAt) / 1000).toFixed(1)} s | ${r.detail} | ${peak('failover', r.startedAt, r.endedAt)} | ${peak('workerBacklog', r.startedAt, r.endedAt)} | ${peak('archiverBacklog', r.startedAt, r.endedAt)} |`,
  );
  return [
    '| fault | at | lasted | what was done | peak failover stream | peak worker backlog | peak archiver backlog |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}
