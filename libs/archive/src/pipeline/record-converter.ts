import { DecodeError, type DecodedMessage, type MessageSchema, type ParquetColumnBatch, type ParquetMapping } from '@eventpath/schemas';
import { isColumnarParquetWriterImplementation } from '@eventpath/storage';
import type { KafkaMessage } from 'kafkajs';
import type { DeadLetter, DeadLetterBatch, DeadLetterReason } from '../dead-letters/dead-letter';
import type { FileRoller } from '../files/file-roller';
import type { FinalizedArchiveFile } from '../files/finalized-archive-file';
import { rowCountOf, type RowBatch } from '../files/open-archive-file';
import type { PartitionClocks } from '../files/partition-clocks';
import { OffsetRuns } from '../offsets/offset-runs';
import type { TimePartition } from '../time/time-partitioner';
import type { BatchItem } from './read-item';

/** Looks message types up in the current schema version (SchemaRegistry.messageType). */
export type MessageTypeLookup = (typeName: string) => MessageSchema;

/** What became of one batch's records, for metrics. */
export interface ConversionCounts {
  written: number;
  deadLettered: Partial<Record<DeadLetterReason, number>>;
  /** Later than the window's end, within grace: written to the window's file. */
  lateWithinGrace: number;
  /** Later than the window's end plus grace. */
  lateBeyondGrace: number;
}

export interface ConversionResult {
  finalized: FinalizedArchiveFile[];
  deadLetters?: DeadLetterBatch;
  counts: ConversionCounts;
}

interface Group {
  timePartition: TimePartition;
  late: boolean;
  batch: RowBatch;
  /** The columnar path: the group's records, straight into Arrow columns (batch.rows is filled from it). */
  columns?: ParquetColumnBatch;
}

/**
 * The convert stage's work on one batch: decode each record with the
 * topic's current schema, read its event time, find its time partition,
 * turn it into a row and hand the rows to the file roller, one call per time
 * partition. Records that cannot be archived become dead letters with the
 * reason; none is dropped.
 *
 * When the topic's writer is columnar (parquet-wasm, `isColumnarParquetWriterImplementation`),
 * records go into Arrow columns instead of row objects (ParquetColumnBatch, one per time
 * partition), straight from their protobuf bytes; they are decoded beforehand only when
 * the event time is a field. Either way the same records are written or dead-lettered,
 * with the same reasons, as on the row path.
 */
export class RecordConverter {
  private readonly mappings = new WeakMap<MessageSchema, Map<boolean, ParquetMapping>>();

  constructor(
    private readonly roller: FileRoller,
    private readonly clocks: PartitionClocks,
    private readonly lookup: MessageTypeLookup,
    private readonly now: () => number = Date.now,
  ) {}

  async convert(item: BatchItem): Promise<ConversionResult> {
    const { lease, settings, messages } = item;
    const { topic, partition } = lease;
    const schema = this.lookup(settings.messageType);
    const mapping = this.mappingOf(schema, settings.metadataColumns);
    // Keyed by window start and lateness (start * 2 + late): records beyond grace never share a file with the window's own.
    const groups = new Map<number, Group>();
    // The partition's event time, read once and written back after the batch (one partition per batch).
    let clock = this.clocks.of(lease);
    const dead: DeadLetter[] = [];
    const counts: ConversionCounts = { written: 0, deadLettered: {}, lateWithinGrace: 0, lateBeyondGrace: 0 };
    const deadLetter = (message: KafkaMessage, reason: DeadLetterReason, detail: string) => {
      dead.push(toDeadLetter(topic, partition, message, reason, detail));
      counts.deadLettered[reason] = (counts.deadLettered[reason] ?? 0) + 1;
    };

    const columnar = isColumnarParquetWriterImplementation(settings.writer);
    // Columnar with the Kafka timestamp: nothing needs the decoded message, the bytes go straight into the columns undecoded.
    const fromBytes = columnar && settings.timestamp.config.kind === 'kafka';
    // From bytes, a record is decoded at its append. Where the row path finds it undecodable before
    // judging its time (no timestamp, late: rare cases), it is decoded first here too, for the same reason.
    const undecodableFirst = (message: KafkaMessage, value: Buffer): boolean => {
      const problem = fromBytes ? decodeProblem(schema, value) : undefined;
      if (problem !== undefined) deadLetter(message, 'undecodable', problem);
      return problem !== undefined;
    };
    for (const message of messages) {
      const value = message.value;
      if (value === null) {
        deadLetter(message, 'tombstone', 'the record has a null value');
        continue;
      }
      let decoded: DecodedMessage | undefined;
      if (!fromBytes) {
        try {
          decoded = schema.decode(value);
        } catch (error) {
          deadLetter(message, 'undecodable', (error as Error).message);
          continue;
        }
      }
      const time = settings.timestamp.read(decoded ?? {}, message.timestamp);
      if (!time.ok) {
        if (!undecodableFirst(message, value)) deadLetter(message, 'no-timestamp', time.reason);
        continue;
      }
      const timePartition = settings.partitioner.partitionOf(time.ms);
      if (clock !== undefined && clock >= timePartition.end && undecodableFirst(message, value)) continue;
      let late = false;
      if (clock !== undefined && clock >= timePartition.end) {
        if (clock >= timePartition.end + settings.graceMs) {
          counts.lateBeyondGrace += 1;
          if (settings.lateEvents === 'dead-letter') {
            deadLetter(message, 'late', `event time ${new Date(time.ms).toISOString()} is past its window's end plus grace (partition event time ${new Date(clock).toISOString()})`);
            continue;
          }
          late = true;
        } else {
          counts.lateWithinGrace += 1;
        }
      }
      const metadata = { topic, partition, offset: message.offset, timestamp: message.timestamp, eventId: header(message, settings.eventIdHeader) };
      const groupKey = timePartition.start * 2 + (late ? 1 : 0);
      let group = groups.get(groupKey);
      if (!group) {
        group = { timePartition, late, batch: { rows: [], offsets: [], eventTimes: [], recordBytes: 0 } };
        // One batch of columns per group of this call: its builders are its own.
        if (columnar) group.columns = schema.parquetColumnBatch({ metadataColumns: settings.metadataColumns });
        groups.set(groupKey, group);
      }
      try {
        if (group.columns) {
          // From the bytes even when the message was decoded for its event time: decoding straight into the
          // columns is several times faster than converting the decoded message (tools/bench/schemas.bench.ts).
          // It throws what decode (DecodeError) or toRow (ParquetMappingError) would, and keeps nothing of the record.
          group.columns.append(value, metadata);
        } else if (decoded) {
          (group.batch.rows as Record<string, unknown>[]).push(mapping.toRow(decoded, metadata));
        }
      } catch (error) {
        deadLetter(message, error instanceof DecodeError ? 'undecodable' : 'unmappable', (error as Error).message);
        continue;
      }
      if (clock === undefined || time.ms > clock) clock = time.ms;
      group.batch.offsets.push(Number(message.offset));
      group.batch.eventTimes.push(time.ms);
      group.batch.recordBytes += value.length;
    }

    if (clock !== undefined) this.clocks.advance(lease, clock);
    const finalized: FinalizedArchiveFile[] = [];
    const now = this.now();
    // Every group's columns become its record batch before anything is written (a batch's builders are its own, never shared).
    for (const group of groups.values()) if (group.columns) group.batch.rows = group.columns.takeRecordBatch();
    for (const group of groups.values()) {
      const rows = rowCountOf(group.batch);
      if (rows === 0) continue; // columnar: every record of the group was dead-lettered
      const result = await this.roller.write({ settings, partition, timePartition: group.timePartition, mapping, lease, late: group.late }, group.batch, now);
      finalized.push(...result.finalized);
      counts.written += rows - result.rejected.length;
      for (const rejected of result.rejected) {
        const message = messages.find((m) => Number(m.offset) === rejected.offset);
        if (message) deadLetter(message, 'unmappable', rejected.reason);
      }
    }
    if (dead.length === 0) return { finalized, counts };
    dead.sort((a, b) => Number(a.offset) - Number(b.offset));
    const offsets = new OffsetRuns();
    for (const record of dead) offsets.add(Number(record.offset));
    return { finalized, counts, deadLetters: { kind: 'dead-letters', topic, partition, records: dead, offsets, lease } };
  }

  private mappingOf(schema: MessageSchema, metadataColumns: boolean): ParquetMapping {
    let byOption = this.mappings.get(schema);
    if (!byOption) {
      byOption = new Map();
      this.mappings.set(schema, byOption);
    }
    let mapping = byOption.get(metadataColumns);
    if (!mapping) {
      mapping = schema.parquetMapping({ metadataColumns });
      byOption.set(metadataColumns, mapping);
    }
    return mapping;
  }
}

/** Why `value` does not decode (decode's DecodeError message), or undefined when it does. */
function decodeProblem(schema: MessageSchema, value: Buffer): string | undefined {
  try {
    schema.decode(value);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

function header(message: KafkaMessage, name: string): string | null {
  const value = message.headers?.[name];
  if (value === undefined) return null;
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? null : first.toString();
}

function toDeadLetter(topic: string, partition: number, message: KafkaMessage, reason: DeadLetterReason, detail: string): DeadLetter {
  const headers: Array<[string, Buffer]> = [];
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined) headers.push([name, Buffer.isBuffer(item) ? item : Buffer.from(String(item))]);
    }
  }
  return {
    topic,
    partition,
    offset: message.offset,
    timestamp: message.timestamp,
    key: message.key ?? null,
    value: message.value,
    headers,
    reason,
    detail,
  };
}
