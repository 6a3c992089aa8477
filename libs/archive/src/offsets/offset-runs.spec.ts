import { OffsetRuns } from './offset-runs';

describe('OffsetRuns', () => {
  it('keeps consecutive offsets as one run', () => {
    const runs = new OffsetRuns();
    for (let o = 100; o < 200; o++) runs.add(o);
    runs.add(250);
    runs.addRun(260, 270);
    expect(runs.runs()).toEqual([[100, 199], [250, 250], [260, 270]]);
    expect([runs.first, runs.last, runs.count, runs.runCount]).toEqual([100, 270, 112, 3]);
    expect(runs.encode()).toBe('100-199,250,260-270');
    expect(() => runs.add(270)).toThrow(/not above/);
  });

  it('round-trips long, interleaved sets through the deflated form', () => {
    const even = new OffsetRuns();
    for (let o = 0; o < 100_000; o += 2) even.add(o);
    const encoded = even.encode();
    expect(encoded.startsWith('z:')).toBe(true);
    expect(encoded.length).toBeLessThan(2000);
    expect(OffsetRuns.decode(encoded).equals(even)).toBe(true);
  });

  it('tells supersets', () => {
    const all = OffsetRuns.of(1, 2, 3, 4, 5, 9);
    expect(all.containsAll(OffsetRuns.of(2, 3, 9))).toBe(true);
    expect(all.containsAll(OffsetRuns.of(2, 6))).toBe(false);
    expect(OffsetRuns.of(2, 3).containsAll(all)).toBe(false);
    expect(all.containsAll(new OffsetRuns())).toBe(true);
  });

  it('refuses malformed text', () => {
    expect(() => OffsetRuns.decode('1-2,x')).toThrow(/"x" is not a run/);
    expect(() => OffsetRuns.decode('5-3')).toThrow(/empty/);
    expect(() => OffsetRuns.decode('3,2')).toThrow(/not above/);
  });
});
