import type { Message } from 'kafkajs';

/** Per-record overhead in a v2 record batch, at most: length, attributes, deltas, length prefixes. */
const RECORD_OVERHEAD = 32;
/** Per header, at most: two varint length prefixes. */
const HEADER_OVERHEAD = 10;

/**
 * At least the bytes a message takes in a Kafka record batch, uncompressed:
 * the payload bytes plus the largest framing a record can have. Used to cut
 * sends into pieces that fit the producer's batch bound.
 */
export function recordSize(message: Message): number {
  let bytes = RECORD_OVERHEAD + byteLength(message.key) + byteLength(message.value);
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    for (const one of Array.isArray(value) ? value : [value]) {
      bytes += HEADER_OVERHEAD + Buffer.byteLength(name) + byteLength(one);
    }
  }
  return bytes;
}

function byteLength(value: Buffer | string | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return Buffer.byteLength(value);
}
