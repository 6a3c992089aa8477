/** Kafka's rule for topic names: 1-249 characters of `[a-zA-Z0-9._-]`. */
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/** Whether `name` is a legal Kafka topic name. */
export function isValidTopicName(name: string): boolean {
  return TOPIC_NAME.test(name) && name !== '.' && name !== '..';
}

/** Kafka's own topics (`__consumer_offsets`, `__transaction_state`, ...), never relayed. */
export function isInternalTopic(name: string): boolean {
  return name.startsWith('__');
}
