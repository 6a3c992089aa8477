import type { ApacheKafka } from './start-apache-kafka';

export type CliReply = { ok: true; [key: string]: unknown } | { ok: false; error: string };

const USAGE = 'commands: kill <id>, restart <id>, pause <id>, resume <id>, create <topic> <partitions> [replication], describe <topic>, nodes, quit';

/** Runs one command line of the Apache Kafka CLI against a cluster. */
export async function runCliCommand(cluster: ApacheKafka, line: string): Promise<CliReply | 'quit'> {
  const [command, ...args] = line.trim().split(/\s+/);
  const id = () => {
    const value = Number(args[0]);
    if (!Number.isInteger(value)) throw new Error(`${command} needs a node id, got ${JSON.stringify(args[0] ?? '')}`);
    return value;
  };
  try {
    switch (command) {
      case 'kill':
        await cluster.kill(id());
        return { ok: true };
      case 'restart':
        await cluster.restart(id());
        return { ok: true };
      case 'pause':
        cluster.pause(id());
        return { ok: true };
      case 'resume':
        cluster.resume(id());
        return { ok: true };
      case 'create': {
        const [topic, partitions, replication] = args;
        if (!topic || !/^\d+$/.test(partitions ?? '') || (replication !== undefined && !/^\d+$/.test(replication))) {
          throw new Error('usage: create <topic> <partitions> [replication]');
        }
        await cluster.createTopic(topic, Number(partitions), replication === undefined ? undefined : Number(replication));
        return { ok: true };
      }
      case 'describe':
        if (!args[0]) throw new Error('usage: describe <topic>');
        return { ok: true, topic: await cluster.describeTopic(args[0]) };
      case 'nodes':
        return { ok: true, nodes: cluster.nodes() };
      case 'quit':
        return 'quit';
      default:
        throw new Error(`unknown command ${JSON.stringify(command ?? '')}; ${USAGE}`);
    }
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}
