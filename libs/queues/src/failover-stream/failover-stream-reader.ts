import type { Registry } from 'prom-client';
import { ACK_SCRIPT } from './ack-script';
import { ENSURE_GROUP_SCRIPT } from './ensure-group-script';
import { decodeEntry, type FailoverEntry } from './failover-event';
import { failoverMetrics, type FailoverMetrics } from './failover-metrics';
import { runScript, type RedisClient } from './run-script';
import { failoverStreamKeys, type FailoverStreamKeys } from './stream-keys';

export const DEFAULT_FAILOVER_GROUP = 'eventpath-failover';

export interface FailoverStreamReaderOptions {
  /** Name of this consumer within the group; unique per running process (e.g. pod name). */
  consumer: string;
  /** Consumer group; `eventpath-failover` by default. */
  group?: string;
  /** Most entries one `read` returns. Default 100. */
  batchSize?: number;
  /** How long `read` waits for new entries when there are none; 0 returns at once. Default 1000. */
  blockMs?: number;
  /**
   * Entries delivered to some consumer and not acknowledged for this long
   * are taken over by this reader: their consumer is presumed dead.
   * Must exceed the longest time a live consumer needs between read and ack.
   * Default 60000.
   */
  claimIdleMs?: number;
  /** Where the reader's counters and the stream's gauges are registered. */
  registry?: Registry;
}

type RawEntry = [Buffer, Buffer[] | null];
const MAX_IDS_PER_ACK = 1000;
/** A full entry id; a bare `<ms>` would make XRANGE match every entry of that millisecond. */
const STREAM_ID = /^\d+-\d+$/;

/**
 * The fronting-worker's side of one topic's failover stream, as a member of
 * a consumer group. `read` returns, in this order of priority: entries this
 * consumer was given before and has not acknowledged (after a restart under
 * the same name), entries other consumers left pending longer than
 * `claimIdleMs` (XAUTOCLAIM), then new entries. Call `ack` only once the
 * events are durable elsewhere (acknowledged by Kafka): it acknowledges and
 * deletes them in one step.
 *
 * A read may block for `blockMs` on its connection, so give each reader its
 * own client (`redis.duplicate()`).
 */
export class FailoverStreamReader {
  readonly group: string;
  private readonly keys: FailoverStreamKeys;
  private readonly batchSize: number;
  private readonly blockMs: number;
  private readonly claimIdleMs: number;
  private readonly metrics?: FailoverMetrics;
  private groupReady = false;
  /** Where the scan of this consumer's own pending entries is; undefined once done. */
  private ownPendingCursor: string | undefined = '0-0';
  private claimCursor = '0-0';
  private nextClaimScanAt = 0;

  constructor(
    private readonly redis: RedisClient,
    readonly topic: string,
    private readonly options: FailoverStreamReaderOptions,
  ) {
    this.keys = failoverStreamKeys(topic);
    this.group = options.group ?? DEFAULT_FAILOVER_GROUP;
    this.batchSize = options.batchSize ?? 100;
    this.blockMs = options.blockMs ?? 1000;
    this.claimIdleMs = options.claimIdleMs ?? 60_000;
    if (!options.consumer) throw new TypeError('a failover stream reader needs a consumer name');
    if (options.registry) {
      this.metrics = failoverMetrics(options.registry);
      this.metrics.watch({ redis, topic, group: this.group });
    }
  }

  /** The next batch of entries; empty when none arrived within `blockMs`. */
  async read(): Promise<FailoverEntry[]> {
    try {
      return await this.readOnce();
    } catch (error) {
      // The stream and its group were removed (an emptied stream deleted by
      // hand, a Redis that restarted without its AOF): create them again.
      if (!(error instanceof Error && error.message.startsWith('NOGROUP'))) throw error;
      this.groupReady = false;
      return this.readOnce();
    }
  }

  private async readOnce(): Promise<FailoverEntry[]> {
    await this.ensureGroup();
    const own = await this.readOwnPending();
    if (own.length > 0) return this.delivered(own);
    const reclaimed = await this.reclaim();
    if (reclaimed.length > 0) {
      this.metrics?.reclaimed.inc({ topic: this.topic }, reclaimed.length);
      return this.delivered(reclaimed);
    }
    const block = this.blockMs > 0 ? ['BLOCK', this.blockMs] : [];
    const reply = (await this.redis.callBuffer(
      'XREADGROUP', 'GROUP', this.group, this.options.consumer, 'COUNT', this.batchSize, ...block,
      'STREAMS', this.keys.stream, '>',
    )) as Array<[Buffer, RawEntry[]]> | null;
    return this.delivered(await this.decode(reply?.[0]?.[1] ?? []));
  }

  /**
   * Acknowledges and deletes entries; resolves to how many were still pending.
   * Naming an entry twice, or one already acknowledged, frees its bytes once.
   */
  async ack(streamIds: string[]): Promise<number> {
    const malformed = streamIds.find((id) => typeof id !== 'string' || !STREAM_ID.test(id));
    if (malformed !== undefined) throw new TypeError(`not a stream entry id: ${JSON.stringify(malformed)} (expected <ms>-<seq>)`);
    let acked = 0;
    for (let i = 0; i < streamIds.length; i += MAX_IDS_PER_ACK) {
      const chunk = streamIds.slice(i, i + MAX_IDS_PER_ACK);
      acked += Number(await runScript(this.redis, ACK_SCRIPT, [this.keys.stream, this.keys.bytes], [this.group, ...chunk]));
    }
    this.metrics?.acked.inc({ topic: this.topic }, acked);
    return acked;
  }

  private async ensureGroup(): Promise<void> {
    if (this.groupReady) return;
    await runScript(this.redis, ENSURE_GROUP_SCRIPT, [this.keys.stream], [this.group]);
    this.groupReady = true;
  }

  private async readOwnPending(): Promise<FailoverEntry[]> {
    if (this.ownPendingCursor === undefined) return [];
    const reply = (await this.redis.callBuffer(
      'XREADGROUP', 'GROUP', this.group, this.options.consumer, 'COUNT', this.batchSize,
      'STREAMS', this.keys.stream, this.ownPendingCursor,
    )) as Array<[Buffer, RawEntry[]]> | null;
    const raw = reply?.[0]?.[1] ?? [];
    if (raw.length === 0) {
      this.ownPendingCursor = undefined;
      return [];
    }
    this.ownPendingCursor = raw[raw.length - 1][0].toString();
    const entries = await this.decode(raw);
    // A batch of only deleted entries is not the end of the pending list.
    return entries.length > 0 ? entries : this.readOwnPending();
  }

  /** One pass of XAUTOCLAIM over the pending list at a time, a new pass every claimIdleMs / 2. */
  private async reclaim(): Promise<FailoverEntry[]> {
    if (Date.now() < this.nextClaimScanAt) return [];
    for (;;) {
      const [cursor, claimed, deleted] = (await this.redis.callBuffer(
        'XAUTOCLAIM', this.keys.stream, this.group, this.options.consumer, this.claimIdleMs, this.claimCursor,
        'COUNT', this.batchSize,
      )) as [Buffer, RawEntry[], Buffer[]];
      this.claimCursor = cursor.toString();
      if (deleted.length > 0) await this.redis.xack(this.keys.stream, this.group, ...deleted);
      const entries = await this.decode(claimed);
      if (this.claimCursor === '0-0') this.nextClaimScanAt = Date.now() + this.claimIdleMs / 2;
      if (entries.length > 0 || this.claimCursor === '0-0') return entries;
    }
  }

  /** Entries deleted while pending come back without fields; they are acknowledged and skipped. */
  private async decode(raw: RawEntry[]): Promise<FailoverEntry[]> {
    const gone = raw.filter(([, fields]) => !fields).map(([id]) => id);
    if (gone.length > 0) await this.redis.xack(this.keys.stream, this.group, ...gone);
    return raw.flatMap(([id, fields]) => (fields ? [decodeEntry(id, fields)] : []));
  }

  private delivered(entries: FailoverEntry[]): FailoverEntry[] {
    if (entries.length > 0) this.metrics?.delivered.inc({ topic: this.topic }, entries.length);
    return entries;
  }
}
