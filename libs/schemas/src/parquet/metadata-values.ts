import { describeValue } from '../codec/scalar-values';
import { ValueProblem } from '../codec/value-problem';
import type { RecordMetadata } from './metadata-columns';

/**
 * The values of the metadata columns, checked, as every converter (rows, Arrow columns)
 * takes them from a record's RecordMetadata.
 */
export const metadataValues = {
  missing(): ValueProblem {
    return new ValueProblem('record metadata (topic, partition, offset, timestamp) is required for the metadata columns');
  },
  topic(meta: RecordMetadata): string {
    if (typeof meta.topic !== 'string') throw new ValueProblem(`metadata topic: expected a string, got ${describeValue(meta.topic)}`);
    return meta.topic;
  },
  partition(meta: RecordMetadata): number {
    if (!Number.isInteger(meta.partition)) {
      throw new ValueProblem(`metadata partition: expected an integer, got ${describeValue(meta.partition)}`);
    }
    return meta.partition;
  },
  offset(meta: RecordMetadata): bigint {
    try {
      return BigInt(meta.offset);
    } catch {
      throw new ValueProblem(`metadata offset: expected an integer, got ${describeValue(meta.offset)}`);
    }
  },
  /** The Kafka timestamp in microseconds. */
  timestampMillis(meta: RecordMetadata): number {
    const millis = meta.timestamp instanceof Date ? meta.timestamp.getTime() : Number(meta.timestamp);
    if (!Number.isInteger(millis)) {
      throw new ValueProblem(`metadata timestamp: expected milliseconds since the epoch, got ${describeValue(meta.timestamp)}`);
    }
    return millis;
  },
};
