import type { ObjectInfo } from '@eventpath/storage';
import { FOOTER_TRAILER_BYTES, footerLength, parseFooter, type ParquetFooterSummary } from '../footers/parquet-footer';
import type { TailReader } from './tail-reader';

/** Footers of archive files are a few KiB; one read of this much gets them whole almost always. */
const FIRST_READ_BYTES = 64 * 1024;

/** Reads an object's Parquet footer with one ranged read (two when the footer is larger than 64 KiB). */
export async function readFooter(reader: TailReader, info: Pick<ObjectInfo, 'name' | 'size'>): Promise<ParquetFooterSummary> {
  let tail = await reader.readTail(info.name, info.size, FIRST_READ_BYTES);
  const length = footerLength(tail);
  if (length + FOOTER_TRAILER_BYTES > info.size) throw new Error(`footer length ${length} is larger than the ${info.size}-byte object`);
  if (length + FOOTER_TRAILER_BYTES > tail.byteLength) tail = await reader.readTail(info.name, info.size, length + FOOTER_TRAILER_BYTES);
  return parseFooter(tail);
}
