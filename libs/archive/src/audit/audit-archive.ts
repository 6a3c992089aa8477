import type { ObjectStore } from '@eventpath/storage';
import type { Admin, Kafka } from 'kafkajs';
import { inventoryArchive, type InventoriedObject } from './archive-inventory';
import { expectedOffsets, type ExpectedOffsetsOptions, type ExpectedPartitionOffsets } from './expected-offsets';
import { kafkaDeadLetterOffsets } from './kafka-dead-letters';
import { computeCoverage, type AccountedObject, type PartitionCoverage } from './offset-coverage';
import type { TailReader } from './tail-reader';

export interface AuditOptions extends ExpectedOffsetsOptions {
  store: ObjectStore;
  topic: string;
  admin: Admin;
  tailReader: TailReader;
  /** See InventoryOptions.metadataSource. Default `footer`. */
  metadataSource?: 'footer' | 'object-metadata';
  concurrency?: number;
  /** Also count the topic's records in this Kafka dead-letter topic as accounted for (needs `kafka`). */
  deadLetterTopic?: string;
  kafka?: Kafka;
}

export interface PartitionAudit extends PartitionCoverage {
  logStart: number;
  highWatermark: number;
  committed?: number;
}

export interface AuditReport {
  topic: string;
  store: string;
  metadataSource: 'footer' | 'object-metadata';
  generatedAt: string;
  durationMs: number;
  /** Objects listed under the topic's prefixes. */
  objectsListed: number;
  /** Objects whose accounting could not be read: their offsets count as missing. */
  unreadable: Array<{ name: string; problem: string }>;
  partitions: PartitionAudit[];
  totals: { expected: number; archived: number; missing: number; duplicateRecords: number; deadLettered: number };
  /** No offset missing and every object readable. */
  ok: boolean;
}

/**
 * Sakaar's audit: which Kafka offsets of a topic are missing from the archive
 * or archived more than once. Lists the topic's objects, reads each file's
 * footer (or object metadata), never its data pages, and compares the exact
 * offsets the files hold with the offsets Kafka has.
 */
export async function auditArchive(options: AuditOptions): Promise<AuditReport> {
  const started = performance.now();
  const expected = await expectedOffsets(options.admin, options.topic, options);
  const objects = await inventoryArchive(options.store, options.topic, {
    tailReader: options.tailReader,
    metadataSource: options.metadataSource,
    concurrency: options.concurrency,
  });
  const byPartition = new Map<number, AccountedObject[]>();
  for (const object of objects) {
    if (!object.account) continue;
    const list = byPartition.get(object.account.partition) ?? [];
    list.push({ name: object.name, account: object.account });
    byPartition.set(object.account.partition, list);
  }
  if (options.deadLetterTopic) {
    if (!options.kafka) throw new Error('auditing a Kafka dead-letter topic needs a Kafka client');
    for (const [partition, offsets] of await kafkaDeadLetterOffsets(options.kafka, options.deadLetterTopic, options.topic)) {
      const list = byPartition.get(partition) ?? [];
      list.push({
        name: `kafka:${options.deadLetterTopic}`,
        account: { kind: 'dead-letters', topic: options.topic, partition, firstOffset: offsets.first ?? 0, lastOffset: offsets.last ?? 0, rowCount: offsets.count, offsets },
      });
      byPartition.set(partition, list);
    }
  }
  const partitions = expected.map((e: ExpectedPartitionOffsets): PartitionAudit => ({
    ...computeCoverage(e.partition, e.from, e.to, byPartition.get(e.partition) ?? []),
    logStart: e.logStart,
    highWatermark: e.highWatermark,
    ...(e.committed === undefined ? {} : { committed: e.committed }),
  }));
  const unreadable = objects.filter((o): o is InventoriedObject & { problem: string } => o.problem !== undefined).map((o) => ({ name: o.name, problem: o.problem }));
  const totals = {
    expected: partitions.reduce((n, p) => n + (p.to - p.from), 0),
    archived: partitions.reduce((n, p) => n + p.archived, 0),
    missing: partitions.reduce((n, p) => n + p.missingRecords, 0),
    duplicateRecords: partitions.reduce((n, p) => n + p.duplicateRecords, 0),
    deadLettered: partitions.reduce((n, p) => n + p.deadLettered, 0),
  };
  return {
    topic: options.topic,
    store: options.store.url,
    metadataSource: options.metadataSource ?? 'footer',
    generatedAt: new Date().toISOString(),
    durationMs: Math.round(performance.now() - started),
    objectsListed: objects.length,
    unreadable,
    partitions,
    totals,
    ok: totals.missing === 0 && unreadable.length === 0,
  };
}
