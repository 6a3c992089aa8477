import { rm } from 'node:fs/promises';
import { startApacheKafka, type ApacheKafka } from '../apache-kafka';
import { startDevKafka, type DevKafka } from '../dev-kafka';

/** Which Kafka the dev stack runs: the dev broker (no Java needed) or Apache Kafka. */
export type StackKafkaKind = 'dev' | 'apache';

/** One Kafka cluster of the dev stack, whichever kind it is. */
export type StackKafka =
  | { kind: 'dev'; bootstrap: string; cluster: DevKafka; stop(): Promise<void> }
  | { kind: 'apache'; bootstrap: string; cluster: ApacheKafka; stop(): Promise<void> };

/**
 * Starts one cluster of the stack with `topics` (`name:partitions`). The dev
 * broker keeps its data in memory; an Apache Kafka node of the stack starts
 * from an empty log dir under `dir` each time, as the dev broker does.
 */
export async function startStackKafka(kind: StackKafkaKind, topics: string[], dir: string): Promise<StackKafka> {
  if (kind === 'dev') {
    const cluster = await startDevKafka({ brokers: 1, topics, controlPort: 0 });
    return { kind, bootstrap: cluster.bootstrap, cluster, stop: () => cluster.stop() };
  }
  await rm(dir, { recursive: true, force: true });
  const cluster = await startApacheKafka({ brokers: 1, topics, dir });
  return {
    kind,
    bootstrap: cluster.bootstrap,
    cluster,
    stop: async () => {
      await cluster.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A line telling a user how to cause an outage of this cluster from another terminal. */
export function outageDrill(name: string, kafka: StackKafka): string {
  if (kafka.kind === 'dev') {
    return `${name} Kafka outage: printf 'down 1\\n' | nc 127.0.0.1 ${kafka.cluster.controlPort}   (and 'up 1')`;
  }
  const [node] = kafka.cluster.nodes();
  return `${name} Kafka outage: kill -STOP ${node.pid}   (a hung broker; kill -CONT ${node.pid} ends it)`;
}
