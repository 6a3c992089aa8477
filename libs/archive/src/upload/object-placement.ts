import { ObjectAlreadyExistsError, type ObjectInfo, type ObjectStore, type PutOptions } from '@eventpath/storage';
import type { OffsetRuns } from '../offsets/offset-runs';

/** Content to store, with what it is checked by and the offsets it holds. */
export interface PlacedContent {
  /** Stores the content under `name` (putFile or putStream of the same bytes). */
  put(name: string, options: PutOptions): Promise<ObjectInfo>;
  /** base64 CRC-32C of the bytes, computed locally. */
  readonly crc32c: string;
  readonly size: number;
  readonly offsets: OffsetRuns;
}

/**
 * - `stored`: the name was free;
 * - `identical`: the same bytes were stored already (a replay of the same file);
 * - `kept-superset`: the object there holds every offset of this content and more or the same;
 * - `replaced-subset`: the object there held a subset of these offsets and was replaced;
 * - `stored-beside`: neither held the other's offsets; this content went under the long name.
 */
export type PlacementOutcome = 'stored' | 'identical' | 'kept-superset' | 'replaced-subset' | 'stored-beside';

export interface Placement {
  outcome: PlacementOutcome;
  /** Where the content's offsets are archived now. */
  name: string;
}

/** The stored bytes are not the bytes sent (size or CRC-32C differ), even after a second upload. */
export class UploadIntegrityError extends Error {
  override readonly name = 'UploadIntegrityError';

  constructor(
    readonly objectName: string,
    readonly expected: { size: number; crc32c: string },
    readonly stored: { size: number; crc32c?: string },
  ) {
    super(
      `${objectName}: the store holds ${stored.size} bytes with CRC-32C ${stored.crc32c ?? '(none)'}, ` +
        `not the ${expected.size} bytes with CRC-32C ${expected.crc32c} uploaded`,
    );
  }
}

/**
 * Stores content under its deterministic name without ever replacing an
 * object by one that holds fewer offsets. Uploads are create-only: when the
 * name is taken (a replay after a crash, or a member that lost its partition
 * finishing an upload), the offsets of the object there decide:
 * the same bytes or a superset stay; a subset is replaced; anything else
 * (a replay that cut the file differently) is stored beside it under
 * `alternateName`. So whatever order uploads of the same offsets finish in,
 * every offset stays in some object, and a replay that cuts a file at the
 * same place leaves one object, not two.
 *
 * Every upload is checked: the size and CRC-32C the store reports must be
 * those of the local bytes; a mismatch is uploaded once more over it, then
 * fails with UploadIntegrityError.
 *
 * One race remains, between stat and replace: two members replacing the
 * same subset at once could leave the smaller superset. Closing it needs a
 * generation precondition (GCS `ifGenerationMatch`) that ObjectStore does not
 * offer; it takes a member that lost its partition to upload in that window.
 */
export async function placeObject(
  store: ObjectStore,
  name: string,
  alternateName: string,
  content: PlacedContent,
  existingOffsets: (info: ObjectInfo) => Promise<OffsetRuns | undefined>,
  /**
   * Names an earlier attempt of the same upload left other bytes under (an
   * UploadIntegrityError): they are overwritten, not judged by their metadata.
   */
  distrusted: ReadonlySet<string> = new Set(),
): Promise<Placement> {
  if (distrusted.has(name)) {
    await putChecked(name, content, false);
    return { outcome: 'stored', name };
  }
  const first = await placeUnder(store, name, content, existingOffsets);
  if (first !== 'conflict') return { outcome: first, name };
  if (distrusted.has(alternateName)) {
    await putChecked(alternateName, content, false);
    return { outcome: 'stored-beside', name: alternateName };
  }
  const beside = await placeUnder(store, alternateName, content, existingOffsets);
  if (beside === 'conflict') throw new Error(`${alternateName} holds offsets that neither include nor are included in those of the file to store`);
  return { outcome: beside === 'stored' ? 'stored-beside' : beside, name: alternateName };
}

async function placeUnder(
  store: ObjectStore,
  name: string,
  content: PlacedContent,
  existingOffsets: (info: ObjectInfo) => Promise<OffsetRuns | undefined>,
): Promise<Exclude<PlacementOutcome, 'stored-beside'> | 'conflict'> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await putChecked(name, content, true);
      return 'stored';
    } catch (error) {
      if (!(error instanceof ObjectAlreadyExistsError)) throw error;
    }
    const info = await store.stat(name);
    if (!info) continue; // deleted meanwhile: try the free name again
    if (info.size === content.size && info.crc32c === content.crc32c) return 'identical';
    const existing = await existingOffsets(info);
    if (existing?.containsAll(content.offsets)) return 'kept-superset';
    if (existing && content.offsets.containsAll(existing)) {
      await putChecked(name, content, false);
      return 'replaced-subset';
    }
    return 'conflict';
  }
  throw new Error(`${name} was taken and freed again three times while storing it`);
}

async function putChecked(name: string, content: PlacedContent, ifAbsent: boolean): Promise<ObjectInfo> {
  let info = await content.put(name, { ifAbsent });
  if (matches(info, content)) return info;
  // The store holds other bytes than those sent: put them once more, over them.
  info = await content.put(name, { ifAbsent: false });
  if (matches(info, content)) return info;
  throw new UploadIntegrityError(name, { size: content.size, crc32c: content.crc32c }, { size: info.size, crc32c: info.crc32c });
}

function matches(info: ObjectInfo, content: PlacedContent): boolean {
  return info.size === content.size && info.crc32c === content.crc32c;
}
