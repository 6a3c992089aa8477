import { createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ObjectHasher } from './object-hash';

export interface StagingWrite {
  path: string;
  /** Byte offset in the file where the stream's first kept byte goes. */
  position: number;
  /** Leading bytes of the stream to drop: a resent chunk overlapping bytes already committed. */
  skipBytes?: number;
  hasher: ObjectHasher;
}

/** Bytes read from the source, and bytes of it written to the file (after skipping). */
export interface StagingResult {
  received: number;
  written: number;
}

/** Streams upload bytes into a staging file, hashing them on the way. */
export async function writeToStagingFile(source: Readable, target: StagingWrite): Promise<StagingResult> {
  let toSkip = target.skipBytes ?? 0;
  let received = 0;
  let written = 0;
  await pipeline(
    source,
    async function* (chunks: AsyncIterable<Buffer>) {
      for await (let chunk of chunks) {
        received += chunk.length;
        if (toSkip > 0) {
          const skipped = Math.min(toSkip, chunk.length);
          toSkip -= skipped;
          chunk = chunk.subarray(skipped);
        }
        if (chunk.length === 0) continue;
        target.hasher.update(chunk);
        written += chunk.length;
        yield chunk;
      }
    },
    // 'r+' writes at `position` in an existing file; 'w' would truncate earlier chunks.
    createWriteStream(target.path, { flags: target.position === 0 ? 'w' : 'r+', start: target.position }),
  );
  return { received, written };
}
