import { rm } from 'node:fs/promises';
import { startApacheKafka, type ApacheKafka } from '../apache-kafka';
import { startDevKafka, type DevKafka } from '../dev-kafka';
import { createTopicsIfMissing } from './external-kafka-topics';

/** Which Kafka the dev stack runs: the dev broker (no Java needed) or Apache Kafka. */
export type StackKafkaKind = 'dev' | 'apache';

/** One Kafka cluster of the dev stack, whichever kind it is; `external` is one the stack did not start. */
export type StackKafka =
  | { kind: 'dev'; bootstrap: string; cluster: DevKafka; stop(): Promise<void> }
  | { kind: 'apache'; bootstrap: string; cluster: ApacheKafka; stop(): Promise<void> }
  | { kind: 'external'; bootstrap: string; stop(): Promise<void> };

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

/** A cluster someone else runs (`host:port,...`): the topics it lacks are created, nothing is stopped. */
export async function useExternalKafka(bootstrap: string, topics: string[]): Promise<StackKafka> {
  await createTopicsIfMissing(bootstrap, topics);
  return { kind: 'external', bootstrap, stop: async () => undefined };
}

/** A line telling a user how to cause an outage of this cluster from another terminal. */
export function outageDrill(name: string, kafka: StackKafka): string {
  if (kafka.kind === 'external') return `${name} Kafka:           external, ${kafka.bootstrap}`;
  if (kafka.kind === 'dev') {
    return `${name} Kafka outage: printf 'down 1\\n' | nc 127.0.0.1 ${kafka.cluster.controlPort}   (and 'up 1')`;
  }
  const [node] = kafka.cluster.nodes();
  return `${name} Kafka outage: kill -STOP ${node.pid}   (a hung broker; kill -CONT ${node.pid} ends it)`;
}
