// parquetjs-lite ships no types; its declarations live beside its backend.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="../parquetjs-lite/parquetjs-lite.d.ts" />
import { readFile } from 'node:fs/promises';
import { ColumnIndex, FileMetaData } from 'parquetjs-lite/gen-nodejs/parquet_types';
import { decodeThrift } from 'parquetjs-lite/lib/util';

/** What a test checks of a column chunk's page index: the fields the format requires of a ColumnIndex. */
export interface PageIndexOfChunk {
  path: string;
  columnIndex?: { hasNullPages: boolean; hasBoundaryOrder: boolean };
  hasOffsetIndex: boolean;
}

/**
 * The page index of every column chunk of a Parquet file, decoded with the generated Thrift
 * structs parquetjs-lite ships (neither DuckDB nor parquet-wasm shows it).
 */
export async function pageIndexes(path: string): Promise<PageIndexOfChunk[]> {
  const bytes = await readFile(path);
  const length = bytes.readUInt32LE(bytes.length - 8);
  const metadata = new FileMetaData();
  decodeThrift(metadata, bytes, bytes.length - 8 - length);
  const chunks: PageIndexOfChunk[] = [];
  for (const group of metadata.row_groups as { columns: Record<string, unknown>[] }[]) {
    for (const chunk of group.columns) {
      const path = ((chunk.meta_data as { path_in_schema: string[] }).path_in_schema ?? []).join('.');
      const entry: PageIndexOfChunk = { path, hasOffsetIndex: chunk.offset_index_offset !== null && chunk.offset_index_offset !== undefined };
      if (chunk.column_index_offset !== null && chunk.column_index_offset !== undefined) {
        const index = new ColumnIndex();
        decodeThrift(index, bytes, Number(chunk.column_index_offset));
        entry.columnIndex = { hasNullPages: Array.isArray(index.null_pages), hasBoundaryOrder: index.boundary_order !== null && index.boundary_order !== undefined };
      }
      chunks.push(entry);
    }
  }
  return chunks;
}
