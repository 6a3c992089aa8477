/**
 * server.properties of one combined controller+broker KRaft node, tuned to
 * start fast and notice failures fast on a small machine. Each setting here
 * is a test setting: production clusters keep Kafka's defaults.
 */

export interface NodeAddress {
  id: number;
  /** PLAINTEXT listener, what clients connect to. */
  port: number;
  /** CONTROLLER listener, the KRaft quorum's. */
  controllerPort: number;
}

export const KAFKA_HOST = '127.0.0.1';

export function nodeProperties(
  node: NodeAddress,
  cluster: NodeAddress[],
  logDir: string,
  overrides: Record<string, string | number | boolean> = {},
): string {
  const replication = Math.min(cluster.length, 3);
  const settings: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': node.id,
    'controller.quorum.voters': cluster.map((n) => `${n.id}@${KAFKA_HOST}:${n.controllerPort}`).join(','),
    listeners: `PLAINTEXT://${KAFKA_HOST}:${node.port},CONTROLLER://${KAFKA_HOST}:${node.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://${KAFKA_HOST}:${node.port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': logDir,
    // Topics exist only when a test (or the dev stack) creates them.
    'auto.create.topics.enable': false,
    'num.partitions': 1,
    'default.replication.factor': replication,
    // Internal topics sized for the cluster, few partitions: a first group
    // join creates __consumer_offsets, which should take a moment, not seconds.
    'offsets.topic.replication.factor': replication,
    'offsets.topic.num.partitions': 4,
    'transaction.state.log.replication.factor': replication,
    'transaction.state.log.min.isr': 1,
    'transaction.state.log.num.partitions': 4,
    'share.coordinator.state.topic.replication.factor': replication,
    'share.coordinator.state.topic.min.isr': 1,
    // Groups: no wait for more members, and short sessions allowed so tests
    // can notice a killed member within seconds.
    'group.initial.rebalance.delay.ms': 0,
    'group.min.session.timeout.ms': 1000,
    // Failure detection: a killed node is fenced (and leaves the ISR) within
    // ~3 s instead of 9-30 s.
    'broker.heartbeat.interval.ms': 500,
    'broker.session.timeout.ms': 3000,
    'replica.lag.time.max.ms': 4000,
    // A small machine: few threads, a small cleaner buffer (the default
    // 128 MiB would not fit the heap).
    'num.network.threads': 2,
    'num.io.threads': 2,
    'num.recovery.threads.per.data.dir': 1,
    'background.threads': 2,
    'log.cleaner.threads': 1,
    'log.cleaner.dedupe.buffer.size': 8 * 1024 * 1024,
    'log.segment.bytes': 64 * 1024 * 1024,
    ...overrides,
  };
  return Object.entries(settings)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join('\n')
    .concat('\n');
}

/** Logging configuration for Kafka 3.x (log4j 1 API, reload4j). */
export function log4jProperties(): string {
  return [
    'log4j.rootLogger=INFO, stdout',
    'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
    'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
    // The request logger is very chatty at INFO on a busy test broker.
    'log4j.logger.kafka.request.logger=WARN',
    '',
  ].join('\n');
}

/** Logging configuration for Kafka 4.x (log4j 2). */
export function log4j2Properties(): string {
  return [
    'status = warn',
    'appender.stdout.type = Console',
    'appender.stdout.name = STDOUT',
    'appender.stdout.layout.type = PatternLayout',
    'appender.stdout.layout.pattern = [%d] %p %m (%c)%n',
    'rootLogger.level = info',
    'rootLogger.appenderRef.stdout.ref = STDOUT',
    'logger.request.name = kafka.request.logger',
    'logger.request.level = warn',
    '',
  ].join('\n');
}
