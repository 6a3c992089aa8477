import { OffsetTracker } from './offset-tracker';

/** A tracker whose partitions of topic `t` begin at `start`. */
function trackerFrom(start: string, ...partitions: number[]): OffsetTracker {
  const tracker = new OffsetTracker();
  for (const partition of partitions.length > 0 ? partitions : [0]) tracker.begin('t', partition, start);
  return tracker;
}

describe('OffsetTracker', () => {
  it('commits only up to the first offset that is not done, whatever order offsets finish in', () => {
    const tracker = trackerFrom('0');
    tracker.track('t', 0, ['0', '1', '2', '3', '4', '5']);
    for (const offset of ['5', '1', '0', '4', '2']) tracker.markDone('t', 0, offset);
    expect(tracker.committable()).toEqual([{ topic: 't', partition: 0, offset: '3' }]);

    tracker.markDone('t', 0, '3');
    expect(tracker.committable()).toEqual([{ topic: 't', partition: 0, offset: '6' }]);
  });

  it('has nothing to commit while the oldest delivered offset is unfinished', () => {
    const tracker = trackerFrom('10');
    tracker.track('t', 0, ['10', '11']);
    tracker.markDone('t', 0, '11');
    expect(tracker.committable()).toEqual([]);
  });

  it('has nothing to commit right after begin: the committed offset is not reported again', () => {
    const tracker = trackerFrom('7');
    expect(tracker.committable()).toEqual([]);
    expect(tracker.has('t', 0)).toBe(true);
    expect(tracker.has('t', 1)).toBe(false);
  });

  it('skips gaps between delivered offsets', () => {
    const tracker = trackerFrom('3');
    tracker.track('t', 0, ['3', '7', '20']);
    tracker.markDone('t', 0, '3');
    tracker.markDone('t', 0, '7');
    expect(tracker.committable()).toEqual([{ topic: 't', partition: 0, offset: '8' }]);
  });

  it('reports a commit point once until it moves again, per partition', () => {
    const tracker = trackerFrom('0', 0, 1);
    tracker.track('t', 0, ['0', '1']);
    tracker.track('t', 1, ['0']);
    tracker.markDone('t', 0, '0');
    tracker.markDone('t', 1, '0');
    const first = tracker.committable();
    expect(first).toHaveLength(2);
    tracker.committed(first);
    expect(tracker.committable()).toEqual([]);
    tracker.markDone('t', 0, '1');
    expect(tracker.committable()).toEqual([{ topic: 't', partition: 0, offset: '2' }]);
  });

  it('keeps int64 offsets exact beyond 2^53', () => {
    const tracker = trackerFrom('9007199254740993');
    tracker.track('t', 0, ['9007199254740993']);
    tracker.markDone('t', 0, '9007199254740993');
    expect(tracker.committable()[0].offset).toBe('9007199254740994');
  });

  it('rejects marking an offset that was never delivered, and ignores one already committed past', () => {
    const tracker = trackerFrom('0');
    tracker.track('t', 0, ['0']);
    expect(() => tracker.markDone('t', 0, '5')).toThrow(RangeError);
    tracker.markDone('t', 0, '0');
    expect(() => tracker.markDone('t', 0, '0')).not.toThrow();
  });

  it('tracks a redelivered batch once, so its earlier marks still count', () => {
    const tracker = trackerFrom('0');
    tracker.track('t', 0, ['0', '1', '2']);
    tracker.markDone('t', 0, '1');
    tracker.track('t', 0, ['0', '1', '2']);
    tracker.markDone('t', 0, '0');
    expect(tracker.committable()).toEqual([{ topic: 't', partition: 0, offset: '2' }]);
    tracker.markDone('t', 0, '2');
    expect(tracker.committable()).toEqual([{ topic: 't', partition: 0, offset: '3' }]);
  });

  it('ignores offsets below where the partition began: they are committed already', () => {
    const tracker = trackerFrom('5');
    tracker.track('t', 0, ['3', '4', '5', '6']);
    expect(() => tracker.markDone('t', 0, '4')).not.toThrow();
    tracker.markDone('t', 0, '5');
    expect(tracker.committable()).toEqual([{ topic: 't', partition: 0, offset: '6' }]);
  });

  it('refuses offsets of a partition that has not begun', () => {
    const tracker = new OffsetTracker();
    expect(() => tracker.track('t', 0, ['0'])).toThrow(/has not begun/);
    expect(() => tracker.markDone('t', 0, '0')).toThrow(/has not begun/);
  });

  it('begins a partition again, forgetting what was tracked for it', () => {
    const tracker = trackerFrom('0');
    tracker.track('t', 0, ['0', '1', '2']);
    tracker.markDone('t', 0, '2');
    tracker.begin('t', 0, '10');
    expect(tracker.committable()).toEqual([]);
    tracker.track('t', 0, ['10']);
    tracker.markDone('t', 0, '10');
    expect(tracker.committable()).toEqual([{ topic: 't', partition: 0, offset: '11' }]);
  });

  it('forgets everything on clear', () => {
    const tracker = trackerFrom('0');
    tracker.track('t', 0, ['0']);
    tracker.markDone('t', 0, '0');
    tracker.clear();
    expect(tracker.committable()).toEqual([]);
    expect(tracker.has('t', 0)).toBe(false);
    // Delivery restarts from the committed offset: 0 comes again and must be done again.
    tracker.begin('t', 0, '0');
    tracker.track('t', 0, ['0', '1']);
    tracker.markDone('t', 0, '1');
    expect(tracker.committable()).toEqual([]);
  });
});
