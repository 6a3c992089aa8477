import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { SchemaFetchError } from '../../errors';
import { hashFiles } from './content-hash';
import type { FetchResult, SchemaSource } from './schema-source';

/** Every `.proto` file below a directory; a change is any file's mtime or size changing, or a file appearing or going. */
export class ProtoDirectorySource implements SchemaSource {
  private lastListing?: string;

  constructor(
    readonly name: string,
    readonly location: string,
  ) {}

  async fetch(force: boolean): Promise<FetchResult> {
    let paths: string[];
    let listing: string;
    try {
      paths = (await listProtoFiles(this.location)).sort();
      const stats = await Promise.all(paths.map((path) => stat(path)));
      listing = paths.map((path, index) => `${path}:${stats[index].mtimeMs}:${stats[index].size}`).join('\n');
    } catch (err) {
      throw new SchemaFetchError(this.name, `cannot list ${this.location}: ${(err as Error).message}`);
    }
    if (!force && listing === this.lastListing) return { notModified: true };
    const files = new Map<string, string>();
    try {
      for (const path of paths) {
        files.set(relative(this.location, path).split(sep).join('/'), await readFile(path, 'utf8'));
      }
    } catch (err) {
      throw new SchemaFetchError(this.name, `cannot read ${this.location}: ${(err as Error).message}`);
    }
    this.lastListing = listing;
    return { notModified: false, content: { kind: 'protoFiles', files }, contentHash: hashFiles(files) };
  }
}

async function listProtoFiles(directory: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) found.push(...(await listProtoFiles(path)));
    else if (entry.isFile() && entry.name.endsWith('.proto')) found.push(path);
  }
  return found;
}
