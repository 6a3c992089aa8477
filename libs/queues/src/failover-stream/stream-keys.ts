/**
 * Redis key naming of the failover stream. The topic is the hash tag, so a
 * topic's stream and its byte counter live in one Redis Cluster slot and one
 * script may touch both.
 */
export const FAILOVER_KEY_PREFIX = 'eventpath:failover:';

/** Kafka's own rule for topic names; it also keeps `{` and `}` out of the hash tag. */
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

export interface FailoverStreamKeys {
  /** The Redis Stream holding the topic's events: `eventpath:failover:{<topic>}`. */
  stream: string;
  /** Bytes of the events stored in the stream: `eventpath:failover:{<topic>}:bytes`. */
  bytes: string;
}

export function failoverStreamKeys(topic: string): FailoverStreamKeys {
  if (!TOPIC_NAME.test(topic)) {
    throw new TypeError(`invalid topic name ${JSON.stringify(topic)}: Kafka topic names use [a-zA-Z0-9._-], 1-249 characters`);
  }
  const stream = `${FAILOVER_KEY_PREFIX}{${topic}}`;
  return { stream, bytes: `${stream}:bytes` };
}
