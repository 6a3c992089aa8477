import { CompressionTypes, type Message } from 'kafkajs';

/**
 * Upper bounds of the encoded size of Kafka records (message format v2), so
 * a producer can keep each record batch under the broker's
 * `message.max.bytes` (1 MiB + 12 by default) before encoding it.
 *
 * A record is: length (varint) + attributes (1) + timestamp delta (varlong,
 * at most 10) + offset delta (varint, at most 5) + key length (varint) + key
 * + value length (varint) + value + header count (varint), and per header:
 * name length (varint) + name + value length (varint) + value. Lengths are
 * zigzag varints, so they are counted exactly; only the two deltas, which
 * depend on the batch, take their maximum.
 */
const TIMESTAMP_DELTA_MAX_BYTES = 10;
const OFFSET_DELTA_MAX_BYTES = 5;
/** The record batch header before the records (base offset ... record count). */
export const RECORD_BATCH_HEADER_BYTES = 61;

/** At least the bytes `message` takes in a v2 record batch, uncompressed. */
export function recordSizeBound(message: Message): number {
  let body = 1 + TIMESTAMP_DELTA_MAX_BYTES + OFFSET_DELTA_MAX_BYTES + bytesField(message.key) + bytesField(message.value);
  let headerCount = 0;
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      headerCount += 1;
      body += bytesField(name) + bytesField(v);
    }
  }
  body += varintBytes(headerCount);
  return varintBytes(body) + body;
}

/** A zigzag-varint length followed by the bytes (length -1 for null). */
function bytesField(value: Buffer | string | null | undefined): number {
  if (value === null || value === undefined) return varintBytes(-1);
  const length = Buffer.byteLength(value);
  return varintBytes(length) + length;
}

/** Bytes of a signed 32-bit value as a zigzag varint. */
function varintBytes(value: number): number {
  let zigzag = value >= 0 ? value * 2 : -value * 2 - 1;
  let bytes = 1;
  while (zigzag >= 0x80) {
    zigzag = Math.floor(zigzag / 0x80);
    bytes += 1;
  }
  return bytes;
}

/**
 * At least the size of a record batch holding records of `recordBytes`
 * (uncompressed) once compressed with `compression`: compressors expand
 * incompressible input a little, snappy by up to a sixth.
 */
export function recordBatchSizeBound(recordBytes: number, compression: CompressionTypes | undefined): number {
  return RECORD_BATCH_HEADER_BYTES + compressedSizeBound(recordBytes, compression);
}

function compressedSizeBound(n: number, compression: CompressionTypes | undefined): number {
  switch (compression) {
    case undefined:
    case CompressionTypes.None:
      return n;
    case CompressionTypes.GZIP:
      // Stored deflate blocks (5 bytes per 16 KiB block) and the gzip header and trailer.
      return n + 5 * Math.ceil((n + 1) / 16_383) + 32;
    case CompressionTypes.Snappy:
      // snappy's MaxEncodedLen.
      return 32 + n + Math.ceil(n / 6);
    case CompressionTypes.LZ4:
      // LZ4_COMPRESSBOUND per 64 KiB block, block headers, frame header and end mark.
      return n + Math.ceil(n / 255) + 20 * Math.ceil((n + 1) / 65_536) + 32;
    case CompressionTypes.ZSTD:
      // ZSTD_COMPRESSBOUND.
      return n + (n >> 8) + 128;
    default:
      throw new RangeError(`unknown compression type ${String(compression)}`);
  }
}
