/**
 * How the mainstream partition of a relayed record is chosen:
 * - `key`: by the record's key with Kafka's default partitioner (murmur2, as
 *   the Java client), so a key lands where any producer would put it;
 *   records without a key are spread, a request's worth at a time;
 * - `same-partition`: the partition number it had in the fronting cluster
 *   (the mainstream topic needs at least as many partitions).
 */
export type Partitioning = 'key' | 'same-partition';

export const PARTITIONINGS: readonly Partitioning[] = ['key', 'same-partition'];
