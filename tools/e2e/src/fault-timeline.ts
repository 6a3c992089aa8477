/** One fault as it happened: when it began, and when what it broke was serving again. */
export interface FaultRecord {
  name: string;
  /** What was done, e.g. `SIGKILL, restarted after 6.1 s`. */
  detail: string;
  startedAt: number;
  endedAt: number;
}

/** The faults of a run in the order they happened, with how long each lasted. */
export class FaultTimeline {
  readonly records: FaultRecord[] = [];

  constructor(private readonly origin = Date.now()) {}

  /** Runs `fault` (which resolves once things are healthy again) and records how long it lasted. */
  async record(name: string, fault: () => Promise<string>): Promise<void> {
    const startedAt = Date.now();
    console.log(`[chaos +${this.seconds(startedAt)} s] ${name}`);
    const detail = await fault();
    const endedAt = Date.now();
    this.records.push({ name, detail, startedAt, endedAt });
    console.log(`[chaos +${this.seconds(endedAt)} s] ${name}: over after ${((endedAt - startedAt) / 1000).toFixed(1)} s (${detail})`);
  }

  /** Seconds from the start of the run to `at`, as text. */
  seconds(at: number): string {
    return ((at - this.origin) / 1000).toFixed(1);
  }
}
