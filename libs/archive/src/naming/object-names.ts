/**
 * Deterministic object names, after Kafka Connect's storage sinks:
 *
 *   <topic>/<time partition>/<topic>+<kafka partition>+<first offset>.parquet
 *   e.g. rides/dt=2024-05-01/hr=13/rides+3+00000000000000120000.parquet
 *
 * Offsets are zero-padded to 20 digits, so names sort by offset. A replay
 * after a crash that cuts a file at the same first offset gives it the same
 * name. The rare replayed file that is neither a superset nor a subset of the
 * object already under its name (see ArchiveUploader) is stored beside it
 * under the long form, which adds its last offset:
 *
 *   <topic>/<time partition>/<topic>+<kafka partition>+<first offset>+<last offset>.parquet
 *
 * Dead-lettered records of a batch are stored under the reserved prefix
 * `_errors/` as JSON lines: `_errors/<topic>/partition=<p>/<topic>+<p>+<first offset>.jsonl`.
 * Kafka topic names cannot contain `+` or `/`, so every part can be read back.
 */
export const PARQUET_EXTENSION = '.parquet';
export const DEAD_LETTER_EXTENSION = '.jsonl';
export const DEAD_LETTER_PREFIX = '_errors/';

const OFFSET_DIGITS = 20;

export interface ArchiveObjectName {
  topic: string;
  partition: number;
  firstOffset: number;
  /** Set only for the long form. */
  lastOffset?: number;
  /** The time partition path; undefined for dead-letter objects. */
  timePartition?: string;
  kind: 'parquet' | 'dead-letters';
}

export function padOffset(offset: number): string {
  return String(offset).padStart(OFFSET_DIGITS, '0');
}

export function archiveObjectName(options: { topic: string; timePartition: string; partition: number; firstOffset: number; lastOffset?: number }): string {
  const { topic, timePartition, partition, firstOffset, lastOffset } = options;
  const suffix = lastOffset === undefined ? '' : `+${padOffset(lastOffset)}`;
  return `${topic}/${timePartition}/${topic}+${partition}+${padOffset(firstOffset)}${suffix}${PARQUET_EXTENSION}`;
}

export function deadLetterObjectName(options: { topic: string; partition: number; firstOffset: number; lastOffset?: number }): string {
  const { topic, partition, firstOffset, lastOffset } = options;
  const suffix = lastOffset === undefined ? '' : `+${padOffset(lastOffset)}`;
  return `${DEAD_LETTER_PREFIX}${topic}/partition=${partition}/${topic}+${partition}+${padOffset(firstOffset)}${suffix}${DEAD_LETTER_EXTENSION}`;
}

/** The prefix under which a topic's Parquet files are listed. */
export function topicPrefix(topic: string): string {
  return `${topic}/`;
}

/** The prefix under which a topic's dead-letter objects are listed. */
export function deadLetterTopicPrefix(topic: string): string {
  return `${DEAD_LETTER_PREFIX}${topic}/`;
}

const FILE_NAME = /^([A-Za-z0-9._-]+)\+(\d+)\+(\d{20})(?:\+(\d{20}))?(\.parquet|\.jsonl)$/;

/** Reads a name written by this module; undefined for any other name. */
export function parseArchiveObjectName(name: string): ArchiveObjectName | undefined {
  const slash = name.lastIndexOf('/');
  const match = FILE_NAME.exec(name.slice(slash + 1));
  if (!match) return undefined;
  const [, topic, partition, first, last, extension] = match;
  const directory = name.slice(0, Math.max(0, slash));
  const base = { topic, partition: Number(partition), firstOffset: Number(first), ...(last === undefined ? {} : { lastOffset: Number(last) }) };
  if (extension === DEAD_LETTER_EXTENSION) {
    if (directory !== `${DEAD_LETTER_PREFIX}${topic}/partition=${partition}`) return undefined;
    return { ...base, kind: 'dead-letters' };
  }
  if (!directory.startsWith(`${topic}/`)) return undefined;
  return { ...base, timePartition: directory.slice(topic.length + 1), kind: 'parquet' };
}
