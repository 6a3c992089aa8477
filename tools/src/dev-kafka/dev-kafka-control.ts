import type { CommandChannel, DevKafkaReply } from './command-channel';
import { DevKafkaCommandError } from './errors';

export interface TopicPartitionCount {
  name: string;
  partitions: number;
}

export interface Watermarks {
  /** Offset of the oldest message still held. */
  low: number;
  /** Offset the next produced message will get. */
  high: number;
}

/** The commands the launcher takes, whether over its stdin or its control port. */
export interface DevKafkaControl {
  /** Takes a broker down: open connections are closed and new ones refused. Its data stays. */
  down(brokerId: number): Promise<void>;
  /** Brings a broker back on the same port. */
  up(brokerId: number): Promise<void>;
  createTopic(name: string, partitions: number): Promise<void>;
  /** Every topic the cluster holds, including any a client auto-created. Fails while all brokers are down. */
  topics(): Promise<TopicPartitionCount[]>;
  /** Low and high offsets of one partition of an existing topic. */
  watermarks(topic: string, partition: number): Promise<Watermarks>;
  /**
   * The next `errorCodes.length` requests with this Kafka API key fail, one
   * code each, in order. See {@link KafkaApiKey} and {@link KafkaErrorCode}.
   */
  injectErrors(apiKey: number, errorCodes: number[]): Promise<void>;
  /** Delays every response of a broker (-1: all brokers) by `ms`; 0 restores. */
  setRtt(brokerId: number, ms: number): Promise<void>;
  /** Sends a raw command line and returns the reply as is, ok or not. */
  command(line: string): Promise<DevKafkaReply>;
}

/** Kafka API keys the mock cluster serves, for {@link DevKafkaControl.injectErrors}. */
export const KafkaApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  InitProducerId: 22,
} as const;

/** Error codes worth injecting. Negative codes are librdkafka-internal. */
export const KafkaErrorCode = {
  /** The broker closes the connection instead of answering. */
  Disconnect: -195,
  CorruptMessage: 2,
  /** What a broker answers for a partition it does not host (a stale leader after a move). */
  UnknownTopicOrPartition: 3,
  NotLeaderOrFollower: 6,
  RequestTimedOut: 7,
  MessageTooLarge: 10,
  NotCoordinator: 16,
  NotEnoughReplicas: 19,
  RebalanceInProgress: 27,
  TopicAuthorizationFailed: 29,
} as const;

/** The typed commands, sent over one channel to the launcher. */
export function devKafkaControl(channel: CommandChannel): DevKafkaControl {
  const run = async (...words: Array<string | number>): Promise<Record<string, unknown>> => {
    const command = words.join(' ');
    const reply = await channel.send(command);
    if (!reply.ok) throw new DevKafkaCommandError(command, reply.error);
    return reply;
  };
  return {
    down: async (brokerId) => void (await run('down', integer(brokerId))),
    up: async (brokerId) => void (await run('up', integer(brokerId))),
    createTopic: async (name, partitions) => void (await run('create', word(name), integer(partitions))),
    topics: async () => (await run('topics')).topics as TopicPartitionCount[],
    watermarks: async (topic, partition) => {
      const { low, high } = await run('watermarks', word(topic), integer(partition));
      return { low: low as number, high: high as number };
    },
    injectErrors: async (apiKey, errorCodes) =>
      void (await run('errors', integer(apiKey), errorCodes.length, ...errorCodes.map(integer))),
    setRtt: async (brokerId, ms) => void (await run('rtt', integer(brokerId), integer(ms))),
    command: (line) => channel.send(line),
  };
}

function integer(value: number): number {
  if (!Number.isInteger(value)) throw new TypeError(`expected an integer, got ${value}`);
  return value;
}

/** Arguments are space-separated, so one holding whitespace would shift the others. */
function word(value: string): string {
  if (value === '' || /\s/.test(value)) throw new TypeError(`expected a name without spaces, got ${JSON.stringify(value)}`);
  return value;
}
