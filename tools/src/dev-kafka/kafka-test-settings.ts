/**
 * kafkajs settings for the dev Kafka broker (librdkafka's mock cluster), in
 * one place. For tests and the local dev stack only: production reads its
 * Kafka settings from the apps' config. Each setting answers a quirk of the
 * mock measured with kafkajs 2.2.4.
 */
import {
  logLevel,
  Partitioners,
  PartitionAssigners,
  type ConsumerConfig,
  type KafkaConfig,
  type PartitionAssigner,
  type ProducerConfig,
  type RetryOptions,
} from 'kafkajs';

/** How long a group leader holds its assignment back; see {@link DelayedRoundRobinAssigner}. */
export const SYNC_GROUP_DELAY_MS = 500;

/**
 * kafkajs's round-robin assigner, except that the group leader waits
 * {@link SYNC_GROUP_DELAY_MS} before handing in the assignment.
 *
 * The mock cluster answers a follower's SyncGroup that arrives after the
 * leader's with INVALID_REQUEST, which kafkajs treats as fatal: the second
 * member of a group crashes while joining. Holding the leader back lets the
 * followers' SyncGroup requests arrive first. A group of one has no
 * followers, so it is not delayed. The protocol name stays
 * 'RoundRobinAssigner', so members using the plain assigner still agree.
 */
export const DelayedRoundRobinAssigner: PartitionAssigner = (config) => {
  const roundRobin = PartitionAssigners.roundRobin(config);
  return {
    name: roundRobin.name,
    version: roundRobin.version,
    protocol: (subscription) => roundRobin.protocol(subscription),
    assign: async (group) => {
      const assignment = await roundRobin.assign(group);
      if (group.members.length > 1) await new Promise((wait) => setTimeout(wait, SYNC_GROUP_DELAY_MS));
      return assignment;
    },
  };
};

/**
 * Client-level retries that make a producer's send reject ~0.2 s after its
 * broker went down (kafkajs's defaults take 15-22 s), for outage and failover
 * tests. It must be set on the client (`new Kafka(...)`): kafkajs's
 * connection and metadata retries follow the client's setting whatever the
 * producer's is. Not for consumers: one would crash at the first refused
 * connection and rejoin as a new member, and the mock then holds the
 * rebalance until the old member's session expires (~12 s); with the default
 * retries a consumer rides out a short outage.
 */
export const DEV_KAFKA_FAST_FAIL_RETRY: RetryOptions = { retries: 1, initialRetryTime: 100, maxRetryTime: 200 };

/**
 * Client settings. Logging is off because outage tests make kafkajs log
 * connection errors by design; pass `{ logLevel: logLevel.ERROR }` in
 * `overrides` while debugging.
 */
export function devKafkaClientConfig(
  brokers: string[] | string,
  clientId: string,
  overrides: Partial<KafkaConfig> = {},
): KafkaConfig {
  return {
    clientId,
    brokers: typeof brokers === 'string' ? brokers.split(',') : brokers,
    logLevel: logLevel.NOTHING,
    ...overrides,
  };
}

/**
 * Producer settings. No idempotence: the mock reports controller id 0, which
 * makes the idempotent producer's connect fail with "Broker 0 not found".
 */
export function devKafkaProducerConfig(overrides: ProducerConfig = {}): ProducerConfig {
  return {
    // Topics must come from the launcher: the mock creates unknown topics
    // with 4 partitions on any Metadata request.
    allowAutoTopicCreation: false,
    idempotent: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    ...overrides,
  };
}

/**
 * Consumer settings. The mock holds a rebalance for `sessionTimeout` - 1 s
 * and notices a killed member after about twice `sessionTimeout`, and it
 * holds an empty Fetch for the whole `maxWaitTimeInMs`: kafkajs's defaults
 * would mean 30-60 s rebalances and ~4 s delivery latency. A new group's
 * first join still takes ~3 s (the mock's fixed initial rebalance delay), so
 * tests share one consumer where they can. Use a fresh group id per test:
 * the mock cannot list or delete groups.
 */
export function devKafkaConsumerConfig(groupId: string, overrides: Partial<ConsumerConfig> = {}): ConsumerConfig {
  return {
    groupId,
    sessionTimeout: 6000,
    heartbeatInterval: 600,
    maxWaitTimeInMs: 100,
    allowAutoTopicCreation: false,
    partitionAssigners: [DelayedRoundRobinAssigner],
    ...overrides,
  };
}
