import type { BigIntStats } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * The attributes of one stored object that a file system does not keep: checksums,
 * content type, custom metadata. A sidecar names the data file it belongs to by inode,
 * size and modification time; if the data file was replaced without it (a crash between
 * the data rename and the sidecar write, or two concurrent overwrites), it no longer
 * matches and is ignored: the object then reads with no checksums or metadata, never
 * with someone else's.
 */
export interface Sidecar {
  v: 1;
  ino: string;
  size: string;
  mtimeNs: string;
  crc32c: string;
  md5: string;
  contentType?: string;
  metadata?: Record<string, string>;
}

export function sidecarFor(
  stats: BigIntStats,
  attributes: Pick<Sidecar, 'crc32c' | 'md5' | 'contentType' | 'metadata'>,
): Sidecar {
  return { v: 1, ino: stats.ino.toString(), size: stats.size.toString(), mtimeNs: stats.mtimeNs.toString(), ...attributes };
}

export function sidecarMatches(sidecar: Sidecar, stats: BigIntStats): boolean {
  return (
    sidecar.ino === stats.ino.toString() &&
    sidecar.size === stats.size.toString() &&
    sidecar.mtimeNs === stats.mtimeNs.toString()
  );
}

/** The sidecar at `path`, or undefined if there is none or it is unreadable (a torn write after a crash). */
export async function readSidecar(path: string): Promise<Sidecar | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as Partial<Sidecar>;
    return parsed && parsed.v === 1 && typeof parsed.ino === 'string' ? (parsed as Sidecar) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Replaces the sidecar atomically (temp file + rename). Not fsynced: a sidecar lost or
 * torn by a crash is detected and ignored, and costs only the attributes.
 */
export async function writeSidecar(path: string, tempPath: string, sidecar: Sidecar): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  try {
    await writeFile(tempPath, JSON.stringify(sidecar), { flag: 'wx' });
    await rename(tempPath, path);
  } catch (error) {
    await rm(tempPath, { force: true });
    throw error;
  }
}

/** Best effort: a sidecar left behind no longer matches any data file and is ignored. */
export async function removeSidecar(path: string): Promise<void> {
  await rm(path, { force: true }).catch(() => undefined);
}
