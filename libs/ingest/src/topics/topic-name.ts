/** Kafka's rule for topic names. */
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/** Why `name` cannot be a Kafka topic, or undefined when it can. */
export function topicNameProblem(name: string): string | undefined {
  if (!TOPIC_NAME.test(name) || name === '.' || name === '..') {
    return `${JSON.stringify(name.length > 60 ? `${name.slice(0, 60)}…` : name)} is not a valid topic name (1-249 characters of [a-zA-Z0-9._-])`;
  }
  return undefined;
}

/** Kafka's internal topics (`__consumer_offsets`, `__transaction_state`): never listed, never produced to. */
export function isInternalTopic(name: string): boolean {
  return name.startsWith('__');
}
