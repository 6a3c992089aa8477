import { CompactReader, readI64 } from '../thrift-compact';
import { readFooter } from './row-group-splicer';

export interface FooterFacts {
  /** Rows the footer says the file holds. */
  rows: number;
  rowGroups: number;
  /** Bytes of column chunk data (pages) in all row groups; the rest of the file is metadata. */
  dataBytes: number;
}

/** What a writer checks in a finished file's footer: its row count and the size of its data. */
export function footerFacts(file: Uint8Array): FooterFacts {
  const fields = readFooter(file);
  const rows = fields.find((field) => field.id === 3);
  const rowGroups = fields.find((field) => field.id === 4);
  const groups = rowGroups ? new CompactReader(rowGroups.value).list().elements : [];
  let dataBytes = 0;
  for (const group of groups) {
    const groupFields = new CompactReader(group).struct();
    const total = groupFields.find((field) => field.id === 6);
    if (total) {
      dataBytes += readI64(total.value);
      continue;
    }
    // No total_compressed_size: add up the column chunks' (ColumnChunk.meta_data.total_compressed_size).
    const columns = groupFields.find((field) => field.id === 1);
    for (const chunk of columns ? new CompactReader(columns.value).list().elements : []) {
      const metadata = new CompactReader(chunk).struct().find((field) => field.id === 3);
      const size = metadata && new CompactReader(metadata.value).struct().find((field) => field.id === 7);
      if (size) dataBytes += readI64(size.value);
    }
  }
  return { rows: rows ? readI64(rows.value) : 0, rowGroups: groups.length, dataBytes };
}
