import { archiveObjectName, deadLetterObjectName, parseArchiveObjectName } from './object-names';

describe('object names', () => {
  it('are topic/time partition/topic+partition+first offset, offsets padded to sort', () => {
    const name = archiveObjectName({ topic: 'rides', timePartition: 'dt=2024-05-01/hr=13', partition: 3, firstOffset: 120000 });
    expect(name).toBe('rides/dt=2024-05-01/hr=13/rides+3+00000000000000120000.parquet');
    expect(parseArchiveObjectName(name)).toEqual({ topic: 'rides', partition: 3, firstOffset: 120000, timePartition: 'dt=2024-05-01/hr=13', kind: 'parquet' });
    expect(archiveObjectName({ topic: 'a', timePartition: 'x', partition: 0, firstOffset: 9 }) < archiveObjectName({ topic: 'a', timePartition: 'x', partition: 0, firstOffset: 10 })).toBe(true);
  });

  it('have a long form with the last offset, and a dead-letter form', () => {
    const long = archiveObjectName({ topic: 'a.b-c_d', timePartition: 'dt=2024', partition: 0, firstOffset: 1, lastOffset: 20 });
    expect(parseArchiveObjectName(long)).toEqual({ topic: 'a.b-c_d', partition: 0, firstOffset: 1, lastOffset: 20, timePartition: 'dt=2024', kind: 'parquet' });
    const dead = deadLetterObjectName({ topic: 'rides', partition: 2, firstOffset: 7 });
    expect(dead).toBe('_errors/rides/partition=2/rides+2+00000000000000000007.jsonl');
    expect(parseArchiveObjectName(dead)).toEqual({ topic: 'rides', partition: 2, firstOffset: 7, kind: 'dead-letters' });
  });

  it('reads nothing into other names', () => {
    expect(parseArchiveObjectName('rides/dt=2024/notes.txt')).toBeUndefined();
    expect(parseArchiveObjectName('other/dt=2024/rides+1+00000000000000000001.parquet')).toBeUndefined();
    expect(parseArchiveObjectName('_errors/rides/partition=3/rides+2+00000000000000000007.jsonl')).toBeUndefined();
  });
});
