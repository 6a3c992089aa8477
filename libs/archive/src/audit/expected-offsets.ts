import type { Admin } from 'kafkajs';

/** Which offsets of a topic the audit expects in the archive. */
export interface ExpectedOffsetsOptions {
  /** Only these partitions (default: all of the topic's). */
  partitions?: number[];
  /** First offset expected (inclusive); default the partition's log start. */
  fromOffset?: number;
  /** Offsets from here on are not expected (exclusive); default the high watermark. */
  toOffset?: number;
  /** First Kafka record timestamp expected: the offset of the first record at or after it. */
  fromTime?: Date;
  /** Records from this Kafka timestamp on are not expected. */
  toTime?: Date;
  /**
   * The archiver's consumer group: offsets from its committed offset on are
   * not expected (not archived yet is not missing). Without it everything up
   * to the high watermark is expected, right for an archiver that caught up.
   */
  groupId?: string;
}

export interface ExpectedPartitionOffsets {
  partition: number;
  /** First expected offset (inclusive). */
  from: number;
  /** End of the expected offsets (exclusive). */
  to: number;
  logStart: number;
  highWatermark: number;
  /** The group's committed offset, when a group was given (undefined: none committed). */
  committed?: number;
}

/** The expected range of every partition, from Kafka's own offsets. */
export async function expectedOffsets(admin: Admin, topic: string, options: ExpectedOffsetsOptions = {}): Promise<ExpectedPartitionOffsets[]> {
  const watermarks = await admin.fetchTopicOffsets(topic);
  const byTime = async (time: Date | undefined) =>
    time === undefined ? undefined : new Map((await admin.fetchTopicOffsetsByTimestamp(topic, time.getTime())).map((p) => [p.partition, Number(p.offset)]));
  const fromTime = await byTime(options.fromTime);
  const toTime = await byTime(options.toTime);
  let committed: Map<number, number> | undefined;
  if (options.groupId !== undefined) {
    const [offsets] = await admin.fetchOffsets({ groupId: options.groupId, topics: [topic] });
    committed = new Map((offsets?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  }
  return watermarks
    .filter((w) => !options.partitions || options.partitions.includes(w.partition))
    .sort((a, b) => a.partition - b.partition)
    .map((w) => {
      const logStart = Number(w.low);
      const highWatermark = Number(w.high);
      const atTime = (offsets: Map<number, number> | undefined) => {
        const offset = offsets?.get(w.partition);
        return offset === undefined || offset < 0 ? highWatermark : offset;
      };
      let from = Math.max(logStart, options.fromOffset ?? logStart);
      if (fromTime) from = Math.max(from, atTime(fromTime));
      let to = Math.min(highWatermark, options.toOffset ?? highWatermark);
      if (toTime) to = Math.min(to, atTime(toTime));
      const groupOffset = committed?.get(w.partition);
      const hasCommit = groupOffset !== undefined && groupOffset >= 0;
      if (committed) to = Math.min(to, hasCommit ? groupOffset : from);
      return {
        partition: w.partition,
        from,
        to: Math.max(from, to),
        logStart,
        highWatermark,
        ...(hasCommit ? { committed: groupOffset } : {}),
      };
    });
}
