import type { ApacheKafka, GcsEmulator, GcsRouteKind } from '@eventpath/dev-infra';
import type { PipelineStack } from './pipeline-stack';
import type { SupervisedApp } from './supervised-app';

/** A fault to inject: resolves once what it broke serves again, with a line saying what was done. */
export interface ChaosFault {
  name: string;
  inject(): Promise<string>;
}

const UPLOAD_KINDS: GcsRouteKind[] = ['objects.insert.multipart', 'objects.insert.resumable', 'objects.insert.media', 'uploads.put'];

/** The single node of a cluster SIGKILLed, left down for `downMs`, then restarted on its ports and log dir. */
export function kafkaOutage(name: string, cluster: ApacheKafka, downMs: number): ChaosFault {
  return {
    name,
    inject: async () => {
      const [node] = cluster.nodes();
      await cluster.kill(node.id);
      await sleep(downMs);
      const restarting = Date.now();
      await cluster.restart(node.id);
      return `broker SIGKILLed, down ${seconds(downMs)}, restart took ${seconds(Date.now() - restarting)}`;
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

/** Every upload to the GCS emulator answered 503 for `forMs`. */
export function gcsUploadOutage(gcs: GcsEmulator, forMs: number): ChaosFault {
  return {
    name: 'GCS uploads 503',
    inject: async () => {
      for (const kind of UPLOAD_KINDS) gcs.faults.failNextRequests({ status: 503, count: 1_000_000, kind });
      await sleep(forMs);
      const answered503 = UPLOAD_KINDS.length * 1_000_000 - gcs.faults.pending().failures.reduce((n, f) => n + f.remaining, 0);
      gcs.faults.reset();
      return `${answered503} upload request(s) answered 503`;
    },
  };
}

/** One round of every fault of the brief, in a seeded order, outage lengths drawn from `[minMs, maxMs)`. */
export function chaosRound(stack: PipelineStack, random: () => number, outageMs: { min: number; max: number }): ChaosFault[] {
  const length = () => Math.floor(outageMs.min + random() * (outageMs.max - outageMs.min));
  const faults = [
    kafkaOutage('fronting Kafka down', stack.fronting, length()),
    kafkaOutage('mainstream Kafka down', stack.mainstream, length()),
    gcsUploadOutage(stack.gcs, length()),
    ...stack.apps.map(appKill),
  ];
  // Fisher-Yates with the seeded generator: the order is part of the seed.
  for (let i = faults.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [faults[i], faults[j]] = [faults[j], faults[i]];
  }
  return faults;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
