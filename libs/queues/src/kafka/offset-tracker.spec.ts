import { OffsetTracker } from './offset-tracker';

describe('OffsetTracker', () => {
  it('commits only up to the first offset that is not done, whatever order offsets finish in', () => {
    const tracker = new OffsetTracker();
    tracker.track('t', 0, ['0', '1', '2', '3', '4', '5']);
    for (const offset of ['5', '1', '0', '4', '2']) tracker.markDone('t', 0, offset);
    expect(tracker.committable()).toEqual([{ topic: 't', partition: 0, offset: '3' }]);

    tracker.markDone('t', 0, '3');
    expect(tracker.committable()).toEqual([{ topic: 't', partition: 0, offset: '6' }]);
  });

  it('has nothing to commit while the oldest delivered offset is unfinished', () => {
    const tracker = new OffsetTracker();
    tracker.track('t', 0, ['10', '11']);
    tracker.markDone('t', 0, '11');
    expect(tracker.committable()).toEqual([]);
  });

  it('skips gaps between delivered offsets', () => {
    const tracker = new OffsetTracker();
    tracker.track('t', 0, ['3', '7', '20']);
    tracker.markDone('t', 0, '3');
    tracker.markDone('t', 0, '7');
    expect(tracker.committable()).toEqual([{ topic: 't', partition: 0, offset: '8' }]);
  });

  it('reports a commit point once until it moves again, per partition', () => {
    const tracker = new OffsetTracker();
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
    const tracker = new OffsetTracker();
    tracker.track('t', 0, ['9007199254740993']);
    tracker.markDone('t', 0, '9007199254740993');
    expect(tracker.committable()[0].offset).toBe('9007199254740994');
  });

  it('rejects marking an offset that was never delivered, and ignores one already committed past', () => {
    const tracker = new OffsetTracker();
    tracker.track('t', 0, ['0']);
    expect(() => tracker.markDone('t', 0, '5')).toThrow(RangeError);
    tracker.markDone('t', 0, '0');
    expect(() => tracker.markDone('t', 0, '0')).not.toThrow();
  });

  it('tracks a redelivered batch once, so its earlier marks still count', () => {
    const tracker = new OffsetTracker();
    tracker.track('t', 0, ['0', '1', '2']);
    tracker.markDone('t', 0, '1');
    tracker.track('t', 0, ['0', '1', '2']);
    tracker.markDone('t', 0, '0');
    expect(tracker.committable()).toEqual([{ topic: 't', partition: 0, offset: '2' }]);
    tracker.markDone('t', 0, '2');
    expect(tracker.committable()).toEqual([{ topic: 't', partition: 0, offset: '3' }]);
  });

  it('forgets everything on clear', () => {
    const tracker = new OffsetTracker();
    tracker.track('t', 0, ['0']);
    tracker.markDone('t', 0, '0');
    tracker.clear();
    expect(tracker.committable()).toEqual([]);
    // Delivery restarts from the committed offset: 0 comes again and must be done again.
    tracker.track('t', 0, ['0', '1']);
    tracker.markDone('t', 0, '1');
    expect(tracker.committable()).toEqual([]);
  });
});
