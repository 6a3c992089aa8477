import type { PipelineBacklog } from './pipeline-backlog';

/** How much is waiting at each hop at one moment; a gauge that could not be read (its component is down) is absent. */
export interface PipelineSample {
  at: number;
  /** Entries in the gateway's failover streams. */
  failover?: number;
  /** Fronting records the worker has not committed. */
  workerBacklog?: number;
  /** Mainstream records the archiver has not committed. */
  archiverBacklog?: number;
}

export type GaugeName = Exclude<keyof PipelineSample, 'at'>;

const READ_TIMEOUT_MS = 2_000;

/** Samples the pipeline's backlogs every `intervalMs`, so the report can say what each fault did. */
export class PipelineGauges {
  readonly samples: PipelineSample[] = [];
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly backlog: PipelineBacklog,
    private readonly intervalMs = 1_000,
  ) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** The highest value a gauge read between `from` and `to`, or undefined when it was never readable then. */
  peak(gauge: GaugeName, from: number, to: number): number | undefined {
    const values = this.samples.filter((s) => s.at >= from && s.at <= to && s[gauge] !== undefined).map((s) => s[gauge] as number);
    return values.length === 0 ? undefined : Math.max(...values);
  }

  private async run(): Promise<void> {
    while (this.running) {
      const at = Date.now();
      const [failover, workerBacklog, archiverBacklog] = await Promise.all([
        readOrUndefined(this.backlog.failoverDepth()),
        readOrUndefined(this.backlog.workerBacklog()),
        readOrUndefined(this.backlog.archiverBacklog()),
      ]);
      this.samples.push({ at, failover, workerBacklog, archiverBacklog });
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, at + this.intervalMs - Date.now())));
    }
  }
}

async function readOrUndefined(read: Promise<number>): Promise<number | undefined> {
  const timeout = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), READ_TIMEOUT_MS).unref());
  return Promise.race([read.catch(() => undefined), timeout]);
}
