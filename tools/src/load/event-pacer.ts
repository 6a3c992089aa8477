/**
 * An open-loop schedule of events at a fixed rate: `due(now)` events should
 * have been sent `now` ms after `startMs`, whatever the answers took. A
 * sender that falls behind (answers slower than the rate) catches up by
 * sending what is due, up to its concurrency, instead of slowing the rate.
 */
export class EventPacer {
  constructor(
    private readonly eventsPerSecond: number,
    private readonly startMs: number,
  ) {
    if (!(eventsPerSecond > 0)) throw new RangeError(`the rate must be above 0 events/s, got ${eventsPerSecond}`);
  }

  /** Events due by `nowMs`. */
  due(nowMs: number): number {
    return Math.floor(((nowMs - this.startMs) * this.eventsPerSecond) / 1000);
  }

  /** Milliseconds from `nowMs` until `events` events are due (0 when they are). */
  msUntil(events: number, nowMs: number): number {
    const at = this.startMs + (events * 1000) / this.eventsPerSecond;
    return Math.max(0, Math.ceil(at - nowMs));
  }
}
