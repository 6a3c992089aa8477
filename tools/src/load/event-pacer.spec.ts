import { EventPacer } from './event-pacer';

describe('EventPacer', () => {
  it('makes rate × elapsed events due', () => {
    const pacer = new EventPacer(200, 1000);
    expect(pacer.due(1000)).toBe(0);
    expect(pacer.due(1004)).toBe(0);
    expect(pacer.due(1005)).toBe(1);
    expect(pacer.due(2000)).toBe(200);
    expect(pacer.due(11_000)).toBe(2000);
  });

  it('handles rates below one event per second', () => {
    const pacer = new EventPacer(0.5, 0);
    expect(pacer.due(1999)).toBe(0);
    expect(pacer.due(2000)).toBe(1);
    expect(pacer.msUntil(2, 2000)).toBe(2000);
  });

  it('says how long until a number of events is due, and 0 once it is', () => {
    const pacer = new EventPacer(100, 0);
    expect(pacer.msUntil(50, 0)).toBe(500);
    expect(pacer.msUntil(50, 200)).toBe(300);
    expect(pacer.msUntil(50, 500)).toBe(0);
    expect(pacer.msUntil(50, 900)).toBe(0);
    expect(pacer.due(pacer.msUntil(37, 0))).toBeGreaterThanOrEqual(37);
  });

  it('stays open-loop: what is due does not depend on what was sent', () => {
    const pacer = new EventPacer(1000, 0);
    // A sender stalled for 3 s owes 3000 events at once.
    expect(pacer.due(3000)).toBe(3000);
  });

  it('refuses a rate that is not above 0', () => {
    expect(() => new EventPacer(0, 0)).toThrow(/above 0/);
    expect(() => new EventPacer(Number.NaN, 0)).toThrow(/above 0/);
  });
});
