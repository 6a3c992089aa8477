import type { ParquetCompression } from '../parquet-file-writer';
import { footerFacts } from './footer-facts';

/** Compressed / Arrow bytes, guessed until the first measurement. */
const INITIAL_RATIO: Record<ParquetCompression, number> = { SNAPPY: 0.5, GZIP: 0.35, ZSTD: 0.3, UNCOMPRESSED: 1 };
/** Footer bytes per row group and leaf column, guessed until the first measurement. */
const INITIAL_METADATA_PER_LEAF = 160;

/**
 * The parquet-wasm writer's model of its finished file's size:
 *
 *   file = bytes on disk + Arrow bytes not yet written × ratio
 *        + empty-file bytes + per-row-group metadata × row groups + key-value metadata
 *
 * The empty file (magic, schema, `ARROW:schema`) is measured when the writer opens, by
 * encoding no rows; the ratio and the per-row-group metadata (column chunk metadata,
 * statistics, page index) by encoding the first rows in memory, until the first row
 * group is on disk, after which the ratio is that of the row groups written.
 */
export class FileSizeModel {
  ratio: number;
  emptyFileBytes = 12;
  metadataPerRowGroup: number;

  constructor(compression: ParquetCompression, leafColumns: number) {
    this.ratio = INITIAL_RATIO[compression];
    this.metadataPerRowGroup = INITIAL_METADATA_PER_LEAF * leafColumns;
  }

  /** From the file arrow-rs made of no rows. */
  measuredEmpty(file: Uint8Array): void {
    this.emptyFileBytes = file.length;
  }

  /** From the file arrow-rs made of a sample of `arrowBytes` (one row group). */
  measuredSample(file: Uint8Array, arrowBytes: number): void {
    const { dataBytes } = footerFacts(file);
    if (arrowBytes > 0) this.ratio = dataBytes / arrowBytes;
    this.metadataPerRowGroup = Math.max(0, file.length - dataBytes - this.emptyFileBytes);
  }

  /** From the row groups on disk: `dataBytes` of pages for `arrowBytes` of Arrow data. */
  measuredWritten(dataBytes: number, arrowBytes: number): void {
    if (arrowBytes > 0) this.ratio = dataBytes / arrowBytes;
  }

  estimate(written: { dataBytes: number; rowGroups: number }, pending: { arrowBytes: number; rowGroups: number }, keyValueBytes: number): number {
    return Math.round(
      this.emptyFileBytes +
        written.dataBytes +
        pending.arrowBytes * this.ratio +
        this.metadataPerRowGroup * (written.rowGroups + pending.rowGroups) +
        keyValueBytes,
    );
  }
}
