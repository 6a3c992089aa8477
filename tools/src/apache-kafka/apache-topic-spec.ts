/** A topic to create on an Apache Kafka test cluster. */
export interface ApacheTopicSpec {
  name: string;
  partitions: number;
  /** Default: the number of nodes, at most 3. */
  replicationFactor?: number;
  /** Topic settings, e.g. `{ 'min.insync.replicas': '2' }`. */
  config?: Record<string, string>;
}

/** Accepts a spec object or the command-line form `name:partitions[:replication]`. */
export function parseApacheTopicSpec(spec: ApacheTopicSpec | string): ApacheTopicSpec {
  if (typeof spec !== 'string') return spec;
  const match = /^([a-zA-Z0-9._-]+):(\d+)(?::(\d+))?$/.exec(spec);
  if (!match) throw new TypeError(`expected name:partitions[:replication], got ${JSON.stringify(spec)}`);
  return {
    name: match[1],
    partitions: Number(match[2]),
    ...(match[3] === undefined ? {} : { replicationFactor: Number(match[3]) }),
  };
}
