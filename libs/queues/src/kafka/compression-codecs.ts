import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import * as lz4 from 'lz4-napi';
import * as snappy from 'snappy';

/**
 * kafkajs ships only gzip; a batch another client compressed with snappy,
 * lz4 or zstd (kcat, librdkafka and Java producers commonly do) would make
 * every consumer of it fail. This registers maintained implementations for
 * all three in kafkajs's codec table, once per process:
 *
 * - snappy: `snappy` (napi-rs bindings of the Rust snap crate). Writes raw
 *   snappy, as librdkafka does; reads raw snappy and the xerial framing Java
 *   producers write (`SnappyOutputStream`).
 * - lz4: `lz4-napi` (lz4_flex), the LZ4 frame format Kafka uses since
 *   message format v1.
 * - zstd: `@hpcc-js/wasm-zstd`, the reference zstd library compiled to wasm.
 */
export function registerCompressionCodecs(): void {
  if (registered) return;
  registered = true;
  CompressionCodecs[CompressionTypes.Snappy] = () => snappyCodec;
  CompressionCodecs[CompressionTypes.LZ4] = () => lz4Codec;
  CompressionCodecs[CompressionTypes.ZSTD] = () => zstdCodec;
}

let registered = false;

interface KafkaJsCodec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

/** `\x82SNAPPY\0`: the magic of xerial's snappy-java stream framing. */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
/** Magic, then two big-endian int32 versions. */
const XERIAL_HEADER_BYTES = 16;

const snappyCodec: KafkaJsCodec = {
  compress: async ({ buffer }) => snappy.compress(buffer),
  decompress: async (buffer) => {
    if (!isXerialFramed(buffer)) return toBuffer(await snappy.uncompress(buffer));
    // xerial framing: after the header, chunks of (int32 big-endian length, raw snappy block).
    const chunks: Buffer[] = [];
    for (let at = XERIAL_HEADER_BYTES; at < buffer.length; ) {
      if (at + 4 > buffer.length) throw new Error('snappy: truncated xerial chunk header');
      const length = buffer.readUInt32BE(at);
      at += 4;
      if (at + length > buffer.length) throw new Error('snappy: truncated xerial chunk');
      chunks.push(toBuffer(await snappy.uncompress(buffer.subarray(at, at + length))));
      at += length;
    }
    return Buffer.concat(chunks);
  },
};

const lz4Codec: KafkaJsCodec = {
  compress: async ({ buffer }) => lz4.compressFrame(buffer),
  decompress: async (buffer) => lz4.decompressFrame(buffer),
};

type ZstdModule = { compress(data: Uint8Array, level?: number): Uint8Array; decompress(data: Uint8Array): Uint8Array };
let zstd: Promise<ZstdModule> | undefined;

function loadZstd(): Promise<ZstdModule> {
  // ESM-only package with an embedded wasm module: loaded on first use.
  zstd ??= import('@hpcc-js/wasm-zstd').then(({ Zstd }) => Zstd.load() as Promise<ZstdModule>);
  return zstd;
}

/** zstd's default level, as librdkafka and the Java client use. */
const ZSTD_LEVEL = 3;

const zstdCodec: KafkaJsCodec = {
  compress: async ({ buffer }) => Buffer.from((await loadZstd()).compress(buffer, ZSTD_LEVEL)),
  decompress: async (buffer) => Buffer.from((await loadZstd()).decompress(buffer)),
};

function isXerialFramed(buffer: Buffer): boolean {
  return buffer.length >= XERIAL_HEADER_BYTES && buffer.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC);
}

function toBuffer(value: Buffer | string): Buffer {
  return typeof value === 'string' ? Buffer.from(value) : value;
}
