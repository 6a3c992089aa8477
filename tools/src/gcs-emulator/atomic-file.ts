import { randomUUID } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';

/** Files ending with this are half-written and removed when the store opens. */
export const TEMP_SUFFIX = '.tmp';

/** Readers see either the old content or the new one, never a partial write. */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const temp = `${path}.${randomUUID()}${TEMP_SUFFIX}`;
  try {
    await writeFile(temp, content);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
