import type { ObjectInfo, ObjectStore } from '@eventpath/storage';
import { offsetsOfDeadLetterLines, parseDeadLetterLines } from '../dead-letters/dead-letter-lines';
import { readAccount, type ArchiveFileAccount } from '../files/archive-file-metadata';
import { deadLetterTopicPrefix, parseArchiveObjectName, topicPrefix } from '../naming/object-names';
import { readFooter } from './footer-reader';
import type { TailReader } from './tail-reader';

/** Where an object's accounting came from. */
export type AccountSource = 'footer' | 'object-metadata' | 'dead-letter-lines';

export interface InventoriedObject {
  name: string;
  size: number;
  kind: 'parquet' | 'dead-letters';
  account?: ArchiveFileAccount;
  source?: AccountSource;
  /** Why the object could not be accounted for (its offsets then count as missing). */
  problem?: string;
}

export interface InventoryOptions {
  tailReader: TailReader;
  /**
   * `footer` (default): each Parquet file's own footer, read with a ranged
   * read (the footer is the file's truth); `object-metadata`: the copy of the
   * footer's accounting keys in the object's custom metadata, which the
   * listing returns, so no object is read at all.
   */
  metadataSource?: 'footer' | 'object-metadata';
  /** Footers read at once. Default 32. */
  concurrency?: number;
}

/**
 * Lists a topic's archive (its Parquet files and its `_errors/` dead-letter
 * objects) and reads what each holds from its footer or metadata, never a
 * data page. Objects of other shapes under the prefix are reported, not
 * guessed at.
 */
export async function inventoryArchive(store: ObjectStore, topic: string, options: InventoryOptions): Promise<InventoriedObject[]> {
  const listed = [...(await listAll(store, topicPrefix(topic))), ...(await listAll(store, deadLetterTopicPrefix(topic)))];
  const results = new Array<InventoriedObject>(listed.length);
  let next = 0;
  const worker = async () => {
    while (next < listed.length) {
      const index = next++;
      results[index] = await account(store, topic, listed[index], options);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 32) }, worker));
  return results.filter((r) => r !== undefined);
}

async function account(store: ObjectStore, topic: string, info: ObjectInfo, options: InventoryOptions): Promise<InventoriedObject> {
  const parsed = parseArchiveObjectName(info.name);
  const kind = parsed?.kind ?? (info.name.endsWith('.jsonl') ? 'dead-letters' : 'parquet');
  const base = { name: info.name, size: info.size, kind } as const;
  if (!parsed || parsed.topic !== topic) return { ...base, problem: 'not an archive object name' };
  try {
    if (kind === 'dead-letters') {
      const fromMetadata = readAccount(info.metadata);
      if (fromMetadata instanceof Error) return { ...base, problem: fromMetadata.message };
      if (fromMetadata) return checked(base, parsed.partition, fromMetadata, 'object-metadata');
      const lines = parseDeadLetterLines((await store.get(info.name)).toString('utf8'));
      const offsets = offsetsOfDeadLetterLines(lines);
      return checked(base, parsed.partition, {
        kind,
        topic,
        partition: parsed.partition,
        firstOffset: offsets.first ?? 0,
        lastOffset: offsets.last ?? 0,
        rowCount: offsets.count,
        offsets,
      }, 'dead-letter-lines');
    }
    if (options.metadataSource === 'object-metadata') {
      const fromMetadata = readAccount(info.metadata);
      if (fromMetadata instanceof Error) return { ...base, problem: fromMetadata.message };
      if (fromMetadata) return checked(base, parsed.partition, fromMetadata, 'object-metadata');
    }
    const footer = await readFooter(options.tailReader, info);
    const fromFooter = readAccount(footer.keyValueMetadata);
    if (fromFooter instanceof Error) return { ...base, problem: `footer: ${fromFooter.message}` };
    if (!fromFooter) return { ...base, problem: 'footer has no archive accounting metadata' };
    if (footer.rows !== fromFooter.rowCount) return { ...base, problem: `footer says ${footer.rows} rows but its offsets are ${fromFooter.rowCount}` };
    return checked(base, parsed.partition, fromFooter, 'footer');
  } catch (error) {
    return { ...base, problem: (error as Error).message };
  }
}

function checked(
  base: { name: string; size: number; kind: 'parquet' | 'dead-letters' },
  partition: number,
  account: ArchiveFileAccount,
  source: AccountSource,
): InventoriedObject {
  if (account.partition !== partition) return { ...base, problem: `named for partition ${partition} but holds partition ${account.partition}` };
  return { ...base, account, source };
}

async function listAll(store: ObjectStore, prefix: string): Promise<ObjectInfo[]> {
  const items: ObjectInfo[] = [];
  let pageToken: string | undefined;
  do {
    const page = await store.list(prefix, { maxResults: 1000, pageToken });
    items.push(...page.items);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return items;
}
