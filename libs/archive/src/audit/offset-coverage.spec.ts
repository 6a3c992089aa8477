import type { ArchiveFileAccount } from '../files/archive-file-metadata';
import { OffsetRuns } from '../offsets/offset-runs';
import { computeCoverage, type AccountedObject } from './offset-coverage';

function object(name: string, runs: Array<[number, number]>, kind: ArchiveFileAccount['kind'] = 'parquet'): AccountedObject {
  const offsets = new OffsetRuns();
  for (const [a, b] of runs) offsets.addRun(a, b);
  return { name, account: { kind, topic: 't', partition: 0, firstOffset: offsets.first!, lastOffset: offsets.last!, rowCount: offsets.count, offsets } };
}

describe('computeCoverage', () => {
  it('finds nothing wrong when interleaved files cover every offset once', () => {
    const evens = object('hour-1', Array.from({ length: 50 }, (_, i) => [i * 2, i * 2] as [number, number]));
    const odds = object('hour-2', Array.from({ length: 50 }, (_, i) => [i * 2 + 1, i * 2 + 1] as [number, number]));
    const coverage = computeCoverage(0, 0, 100, [evens, odds]);
    expect(coverage).toMatchObject({ archived: 100, missingRecords: 0, duplicateRecords: 0, missing: [], duplicated: [], objects: 2 });
  });

  it('reports missing ranges and duplicated ranges with their copies and objects', () => {
    const coverage = computeCoverage(0, 10, 60, [object('a', [[0, 19]]), object('b', [[15, 29]]), object('c', [[40, 44]]), object('d', [[42, 43]]), object('dl', [[50, 50]], 'dead-letters')]);
    expect(coverage.missing).toEqual([{ first: 30, last: 39 }, { first: 45, last: 49 }, { first: 51, last: 59 }]);
    expect(coverage.missingRecords).toBe(24);
    expect(coverage.duplicated).toEqual([
      { first: 15, last: 19, copies: 2, objects: ['a', 'b'] },
      { first: 42, last: 43, copies: 2, objects: ['c', 'd'] },
    ]);
    expect(coverage.duplicateRecords).toBe(7);
    expect(coverage.archived).toBe(26);
    expect(coverage.deadLettered).toBe(1);
  });

  it('ignores offsets outside the expected range', () => {
    const coverage = computeCoverage(0, 100, 110, [object('old', [[0, 99]]), object('new', [[100, 120]])]);
    expect(coverage).toMatchObject({ archived: 10, missingRecords: 0, objects: 1 });
  });
});
