import type { NativeAnswer } from './http-client';

/** One request of the load and what became of it. */
export interface LoadRequest {
  sentAt: number;
  answeredAt: number;
  /** HTTP status; 0 when the request failed without an answer (connection refused or reset, client timeout). */
  status: number;
  ids: string[];
  /** Per event, from a 200 or 503 answer. */
  outcomes: Array<'kafka' | 'failover' | 'not-accepted'>;
  error?: string;
}

export interface SteadyLoadOptions {
  /** Concurrent requesters. Default 4. */
  concurrency?: number;
  eventsPerRequest?: number;
  /** Pause of each requester between its requests, shaping the load (not synchronising anything). Default 10 ms. */
  pauseMs?: number;
  /** Ids are `<prefix>-<request>-<event>`. */
  idPrefix: string;
  /** A request without an answer after this long counts as failed (status 0). Default 15 s. */
  timeoutMs?: number;
}

/**
 * A steady stream of concurrent native API requests, every answer recorded:
 * what the guarantee tests judge (no 5xx, how fast the switch was, every
 * acknowledged id stored).
 */
export class SteadyLoad {
  readonly requests: LoadRequest[] = [];
  private running = false;
  private workers: Promise<void>[] = [];
  private counter = 0;

  constructor(
    private readonly url: () => string,
    private readonly topic: string,
    private readonly options: SteadyLoadOptions,
  ) {}

  start(): void {
    this.running = true;
    this.workers = Array.from({ length: this.options.concurrency ?? 4 }, () => this.work());
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
  }

  /** Ids of events answered 200, with where each went. */
  acknowledged(): Map<string, 'kafka' | 'failover'> {
    const acked = new Map<string, 'kafka' | 'failover'>();
    for (const r of this.requests) {
      if (r.status !== 200) continue;
      r.ids.forEach((id, i) => acked.set(id, r.outcomes[i] as 'kafka' | 'failover'));
    }
    return acked;
  }

  /** Requests answered after `since` with every event `kafka` (or `failover`). */
  answeredAfter(since: number, outcome: 'kafka' | 'failover'): LoadRequest[] {
    return this.requests.filter((r) => r.status === 200 && r.answeredAt >= since && r.outcomes.every((o) => o === outcome));
  }

  /** Requests in flight at `at` or sent after it. */
  inFlightOrAfter(at: number): LoadRequest[] {
    return this.requests.filter((r) => r.answeredAt >= at);
  }

  private async work(): Promise<void> {
    const events = this.options.eventsPerRequest ?? 5;
    while (this.running) {
      const n = this.counter++;
      const ids = Array.from({ length: events }, (_, i) => `${this.options.idPrefix}-${n}-${i}`);
      const sentAt = Date.now();
      const record: LoadRequest = { sentAt, answeredAt: 0, status: 0, ids, outcomes: [] };
      try {
        const response = await fetch(`${this.url()}/v1/topics/${this.topic}/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ events: ids.map((id, i) => ({ id, key: `key-${(n + i) % 16}`, value: { n, i } })) }),
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
        });
        record.status = response.status;
        const body = (await response.json()) as NativeAnswer;
        record.outcomes = (body.results ?? []).map((result) => result.status);
      } catch (error) {
        record.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
      record.answeredAt = Date.now();
      this.requests.push(record);
      await new Promise((resolve) => setTimeout(resolve, this.options.pauseMs ?? 10));
    }
  }
}
