import { EMPTY_BYTES } from '../codec/default-values';

/**
 * Pieces the Parquet converters' code generators share (rows, Arrow columns from messages,
 * Arrow columns from bytes).
 */

/** A value as a JavaScript literal in generated code (`H.EMPTY_BYTES` for the shared empty bytes). */
export function literal(value: unknown): string {
  if (value === EMPTY_BYTES) return 'H.EMPTY_BYTES';
  if (typeof value === 'bigint') return `${value}n`;
  return JSON.stringify(value);
}

/** Whether a field cut off by the recursion depth holds data (which recursionFallback 'error' refuses). */
export function cutFieldHasData(value: unknown): boolean {
  if (value == null) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof Map) return value.size > 0;
  return true;
}

/**
 * Statements appending the record metadata (`meta`) to the metadata columns, which follow
 * the message's own columns from index `first` of `C`; `H` holds columnValues.
 */
export function metadataColumnAppends(first: number): string[] {
  return [
    `  C[${first}].append(M.topic(meta));`,
    `  C[${first + 1}].append(H.partition(meta));`,
    `  H.offset(C[${first + 2}], meta);`,
    `  H.kafkaTimestamp(C[${first + 3}], meta);`,
    `  { const id = H.eventId(meta); if (id === null) C[${first + 4}].appendNull(); else C[${first + 4}].append(id); }`,
  ];
}
