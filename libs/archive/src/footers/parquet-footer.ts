import { parquetMetadata } from 'hyparquet';

/** Bytes after the footer: its 4-byte length and the `PAR1` magic. */
export const FOOTER_TRAILER_BYTES = 8;

const MAGIC = 0x31524150; // "PAR1", little-endian

/**
 * The length of a Parquet footer, from the last 8 bytes of the file (or of a
 * tail of it). Throws when the bytes do not end a Parquet file.
 */
export function footerLength(tail: Uint8Array): number {
  if (tail.byteLength < FOOTER_TRAILER_BYTES) throw new Error('too short to end a Parquet file');
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  if (view.getUint32(tail.byteLength - 4, true) !== MAGIC) throw new Error('does not end with the Parquet magic "PAR1"');
  return view.getUint32(tail.byteLength - 8, true);
}

export interface ParquetFooterSummary {
  rows: number;
  rowGroups: number;
  keyValueMetadata: Record<string, string>;
}

/**
 * Parses a Parquet footer from a tail of the file that holds all of it (its
 * length and the magic included). Reads no data page: the footer alone says
 * how many rows the file has and carries the key-value metadata.
 */
export function parseFooter(tail: Uint8Array): ParquetFooterSummary {
  const length = footerLength(tail);
  if (length + FOOTER_TRAILER_BYTES > tail.byteLength) {
    throw new Error(`the footer is ${length} bytes, more than the ${tail.byteLength - FOOTER_TRAILER_BYTES} bytes read`);
  }
  const metadata = parquetMetadata(tail.subarray(tail.byteLength - length - FOOTER_TRAILER_BYTES));
  const keyValueMetadata: Record<string, string> = {};
  for (const { key, value } of metadata.key_value_metadata ?? []) if (value !== undefined) keyValueMetadata[key] = value;
  return { rows: Number(metadata.num_rows), rowGroups: metadata.row_groups.length, keyValueMetadata };
}
