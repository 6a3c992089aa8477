import { failedEvents, type RequestOutcome } from './request-outcome';

/** Totals of a run so far. */
export interface LoadTotals {
  requests: number;
  /** Events sent (answered or not). */
  sent: number;
  /** Events acknowledged, by durability level. */
  kafka: number;
  failover: number;
  /** Events not acknowledged, by reason. */
  failures: Record<string, number>;
  /** Requests still waiting for an answer. */
  inFlight: number;
}

export interface LoadSummary extends LoadTotals {
  elapsedMs: number;
  /** Acknowledged events per second over the run. */
  ackedPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
}

/** Counts a run's requests and their outcomes; formats the progress line and the summary. */
export class LoadStats {
  private readonly totals: LoadTotals = { requests: 0, sent: 0, kafka: 0, failover: 0, failures: {}, inFlight: 0 };
  private readonly latencies: number[] = [];
  private lastProgress = { atMs: 0, acked: 0 };

  constructor(private readonly startMs: number) {
    this.lastProgress.atMs = startMs;
  }

  /** A request of `events` events was sent. */
  sending(events: number): void {
    this.totals.requests += 1;
    this.totals.sent += events;
    this.totals.inFlight += 1;
  }

  /** Its answer (or its failure) came. */
  answered(outcome: RequestOutcome): void {
    this.totals.inFlight -= 1;
    this.totals.kafka += outcome.kafka;
    this.totals.failover += outcome.failover;
    for (const [reason, count] of Object.entries(outcome.failures)) this.totals.failures[reason] = (this.totals.failures[reason] ?? 0) + count;
    this.latencies.push(outcome.latencyMs);
  }

  current(): LoadTotals {
    return { ...this.totals, failures: { ...this.totals.failures } };
  }

  /** `12s sent 2400 acked 2390 (kafka 2390, failover 0) errors 0 in flight 10 | 200 acked/s`: the rate since the last call. */
  progressLine(nowMs: number): string {
    const acked = this.totals.kafka + this.totals.failover;
    const seconds = Math.max(1e-3, (nowMs - this.lastProgress.atMs) / 1000);
    const rate = Math.round((acked - this.lastProgress.acked) / seconds);
    this.lastProgress = { atMs: nowMs, acked };
    const errors = failedEvents(this.totals);
    return (
      `${Math.round((nowMs - this.startMs) / 1000)}s sent ${this.totals.sent} acked ${acked} (kafka ${this.totals.kafka}, failover ${this.totals.failover})` +
      ` errors ${errors}${errors > 0 ? ` ${formatFailures(this.totals.failures)}` : ''} in flight ${this.totals.inFlight} | ${rate} acked/s`
    );
  }

  summary(nowMs: number): LoadSummary {
    const elapsedMs = nowMs - this.startMs;
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const at = (q: number) => (sorted.length === 0 ? 0 : Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]));
    return {
      ...this.current(),
      elapsedMs,
      ackedPerSecond: Math.round(((this.totals.kafka + this.totals.failover) * 1000) / Math.max(1, elapsedMs)),
      latencyMs: { p50: at(0.5), p99: at(0.99), max: at(1) },
    };
  }
}

/** The closing summary as lines of text. */
export function formatSummary(summary: LoadSummary): string {
  const acked = summary.kafka + summary.failover;
  const errors = failedEvents(summary);
  return [
    `done in ${(summary.elapsedMs / 1000).toFixed(1)} s: ${summary.requests} requests, ${summary.sent} events sent`,
    `  acknowledged ${acked}: kafka ${summary.kafka}, failover ${summary.failover}`,
    `  not acknowledged ${errors}${errors > 0 ? `: ${formatFailures(summary.failures)}` : ''}`,
    `  ${summary.ackedPerSecond} acknowledged events/s; request latency p50 ${summary.latencyMs.p50} ms, p99 ${summary.latencyMs.p99} ms, max ${summary.latencyMs.max} ms`,
  ].join('\n');
}

function formatFailures(failures: Record<string, number>): string {
  return `(${Object.entries(failures)
    .map(([reason, count]) => `${reason}: ${count}`)
    .join(', ')})`;
}
