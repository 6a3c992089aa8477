import type { ArchiveFileAccount } from '../files/archive-file-metadata';

/** Inclusive offset range. */
export interface OffsetRange {
  first: number;
  last: number;
}

export interface DuplicatedRange extends OffsetRange {
  /** How many objects hold each offset of the range. */
  copies: number;
  /** The objects holding it (at most 10 named). */
  objects: string[];
}

export interface PartitionCoverage {
  partition: number;
  /** Offsets expected in the archive: `from` inclusive, `to` exclusive. */
  from: number;
  to: number;
  /** Objects holding at least one expected offset. */
  objects: number;
  /** Distinct expected offsets found in some object. */
  archived: number;
  /** Of those, offsets found in dead-letter objects. */
  deadLettered: number;
  /** Expected offsets in no object. */
  missing: OffsetRange[];
  missingRecords: number;
  /** Expected offsets in more than one object. */
  duplicated: DuplicatedRange[];
  /** Extra copies: for each duplicated offset, copies minus one. */
  duplicateRecords: number;
}

export interface AccountedObject {
  name: string;
  account: ArchiveFileAccount;
}

/**
 * Which offsets of `[from, to)` the objects hold: one sweep over the start
 * and end of every run of every object, so the cost is in runs, not offsets.
 */
export function computeCoverage(partition: number, from: number, to: number, objects: AccountedObject[]): PartitionCoverage {
  type Event = { at: number; delta: 1 | -1; object: number };
  const events: Event[] = [];
  const used = new Set<number>();
  objects.forEach(({ account }, object) => {
    for (const [start, end] of account.offsets.runs()) {
      const a = Math.max(start, from);
      const b = Math.min(end, to - 1);
      if (a > b) continue;
      events.push({ at: a, delta: 1, object }, { at: b + 1, delta: -1, object });
      used.add(object);
    }
  });
  events.sort((x, y) => x.at - y.at || x.delta - y.delta);

  const coverage: PartitionCoverage = {
    partition,
    from,
    to,
    objects: used.size,
    archived: 0,
    deadLettered: 0,
    missing: [],
    missingRecords: 0,
    duplicated: [],
    duplicateRecords: 0,
  };
  const active = new Set<number>();
  let position = from;
  const emit = (end: number) => {
    if (end <= position) return;
    const length = end - position;
    if (active.size === 0) {
      pushRange(coverage.missing, position, end - 1);
      coverage.missingRecords += length;
    } else {
      coverage.archived += length;
      if ([...active].some((o) => objects[o].account.kind === 'dead-letters')) coverage.deadLettered += length;
      if (active.size > 1) {
        const names = [...active].map((o) => objects[o].name).sort();
        const last = coverage.duplicated[coverage.duplicated.length - 1];
        if (last && last.last === position - 1 && last.copies === active.size && last.objects.join('\n') === names.slice(0, 10).join('\n')) last.last = end - 1;
        else coverage.duplicated.push({ first: position, last: end - 1, copies: active.size, objects: names.slice(0, 10) });
        coverage.duplicateRecords += length * (active.size - 1);
      }
    }
    position = end;
  };
  for (const event of events) {
    emit(event.at);
    if (event.delta === 1) active.add(event.object);
    else active.delete(event.object);
  }
  emit(to);
  return coverage;
}

function pushRange(ranges: OffsetRange[], first: number, last: number): void {
  const previous = ranges[ranges.length - 1];
  if (previous && previous.last === first - 1) previous.last = last;
  else ranges.push({ first, last });
}
