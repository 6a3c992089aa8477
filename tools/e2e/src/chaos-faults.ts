import type { ApacheKafka, GcsEmulator, GcsRouteKind } from '@eventpath/dev-infra';
import type { PipelineStack } from './pipeline-stack';
import type { SupervisedApp } from './supervised-app';

/** A fault to inject: resolves once what it broke serves again, with a line saying what was done. */
export interface ChaosFault {
  name: string;
  inject(): Promise<string>;
}

/** What an outage should cause, counted: it lasts until the count grew by `atLeast`. */
export interface OutageEffect {
  what: string;
  count: () => number;
  atLeast: number;
}

/** Events a fronting outage waits to see acknowledged from the failover stream before the broker comes back. */
const FAILED_OVER_PER_OUTAGE = 20;

const UPLOAD_KINDS: GcsRouteKind[] = ['objects.insert.multipart', 'objects.insert.resumable', 'objects.insert.media', 'uploads.put'];

/**
 * The single node of a cluster SIGKILLed, left down for `downMs` and, when
 * `until` is given, until its counter grew by `atLeast` (what the outage
 * should cause, e.g. events failed over; bounded by `limitMs`), then
 * restarted on its ports and log dir.
 */
export function kafkaOutage(name: string, cluster: ApacheKafka, downMs: number, until?: OutageEffect, limitMs = 120_000): ChaosFault {
  return {
    name,
    inject: async () => {
      const [node] = cluster.nodes();
      const killed = Date.now();
      const base = until?.count() ?? 0;
      const holds = () => !until || until.count() - base >= until.atLeast;
      await cluster.kill(node.id);
      await sleep(downMs);
      while (!holds() && Date.now() - killed < limitMs) await sleep(200);
      const down = Date.now() - killed;
      const restarting = Date.now();
      await cluster.restart(node.id);
      return `broker SIGKILLed, down ${seconds(down)}${until ? ` (${until.count() - base} ${until.what})` : ''}, restart took ${seconds(Date.now() - restarting)}`;
    },
  };
}

/** An app SIGKILLed and started again, as an orchestrator would after a crash. */
export function appKill(app: SupervisedApp): ChaosFault {
  return {
    name: `${app.name} SIGKILL`,
    inject: async () => {
      await app.killAndRestart();
      return 'SIGKILL, started again, /healthz answered';
    },
  };
}

/**
 * Every upload to the GCS emulator answered 503 for `forMs`, and at least
 * until `atLeast` uploads were refused (the archiver may have had nothing to
 * upload, or been down itself), for at most `limitMs`.
 */
export function gcsUploadOutage(gcs: GcsEmulator, forMs: number, atLeast = 3, limitMs = 120_000): ChaosFault {
  return {
    name: 'GCS uploads 503',
    inject: async () => {
      const injected = UPLOAD_KINDS.length * 1_000_000;
      const refused = () => injected - gcs.faults.pending().failures.reduce((n, f) => n + f.remaining, 0);
      const started = Date.now();
      for (const kind of UPLOAD_KINDS) gcs.faults.failNextRequests({ status: 503, count: 1_000_000, kind });
      await sleep(forMs);
      while (refused() < atLeast && Date.now() - started < limitMs) await sleep(200);
      const answered503 = refused();
      gcs.faults.reset();
      return `${answered503} upload request(s) answered 503`;
    },
  };
}

/** An app kill that happens while an infrastructure fault of the round is going on (or just after it). */
export interface TimedKill {
  fault: ChaosFault;
  /** Index of the infrastructure fault it comes during. */
  during: number;
  /** Delay from that fault's start. */
  delayMs: number;
}

/** One round of every fault: the infrastructure outages one after another, each app killed at a random moment during one of them. */
export interface ChaosRound {
  outages: ChaosFault[];
  kills: TimedKill[];
}

/**
 * A seeded round: the fronting and mainstream Kafka outages and the GCS
 * upload outage in a random order, lengths drawn from `[min, max)`; each app
 * SIGKILLed at a random moment from the start of a random outage to a few
 * seconds past its length, so kills land both in quiet times and in the
 * middle of a failover, a lag or failing uploads.
 */
export function chaosRound(stack: PipelineStack, random: () => number, outageMs: { min: number; max: number }, failedOver: () => number): ChaosRound {
  const length = () => Math.floor(outageMs.min + random() * (outageMs.max - outageMs.min));
  const failover: OutageEffect = { what: 'events acknowledged from the failover stream meanwhile', count: failedOver, atLeast: FAILED_OVER_PER_OUTAGE };
  const outages = shuffled(
    [kafkaOutage('fronting Kafka down', stack.fronting, length(), failover), kafkaOutage('mainstream Kafka down', stack.mainstream, length()), gcsUploadOutage(stack.gcs, length())],
    random,
  );
  const kills = stack.apps.map((app) => ({ fault: appKill(app), during: Math.floor(random() * outages.length), delayMs: Math.floor(random() * (outageMs.max + 3_000)) }));
  return { outages, kills };
}

/** Fisher-Yates with the seeded generator: the order is part of the seed. */
function shuffled<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
