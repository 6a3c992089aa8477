// Apache Kafka itself for tests and the dev stack: KRaft nodes as real java
// processes, from jars resolved from Maven Central by the project's setup.
export {
  startApacheKafka,
  type ApacheKafka,
  type ApacheKafkaNode,
  type StartApacheKafkaOptions,
} from './start-apache-kafka';
export { createTopic, describeTopic, type PartitionDescription, type TopicDescription } from './topic-admin';
export { parseApacheTopicSpec, type ApacheTopicSpec } from './apache-topic-spec';
export { defaultKafkaVersion, findKafkaInstallation, type KafkaInstallation } from './kafka-classpath';
export { DEFAULT_JVM_OPTIONS, type NodeState } from './kafka-node-process';
export { ApacheKafkaNodeError, ApacheKafkaNotInstalledError, ApacheKafkaStartError } from './errors';
export {
  consumeWithJavaClient,
  produceWithJavaClient,
  type JavaCompression,
  type JavaConsumedRecord,
  type JavaProducedRecord,
} from './java-client/java-kafka-client';
