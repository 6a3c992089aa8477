import { createReadStream } from 'node:fs';
import { CRC32C } from '@google-cloud/storage';

/** base64 CRC-32C (Castagnoli) of a local file, as GCS reports it; the class @google-cloud/storage validates with. */
export async function crc32cOfFile(path: string): Promise<string> {
  const crc = new CRC32C();
  for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 })) crc.update(chunk as Buffer);
  return crc.toString();
}

/** base64 CRC-32C of a buffer. */
export function crc32cOf(content: Buffer): string {
  const crc = new CRC32C();
  crc.update(content);
  return crc.toString();
}
