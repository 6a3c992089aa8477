import type { FileHandle } from 'node:fs/promises';

/** Writes all of `bytes` at the handle's position (a write may take fewer bytes than offered). */
export async function writeFully(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, written, bytes.length - written);
    written += bytesWritten;
  }
}
