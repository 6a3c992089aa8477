// "A Kafka" for integration tests: Apache Kafka by default, the dev broker or
// an external cluster by EVENTPATH_TEST_KAFKA; shared by a Jest run.
export { canStartApacheKafka, testKafkaKind, TEST_KAFKA_KINDS, type TestKafkaKind } from './test-kafka-kind';
export { testKafkaSettings, type TestKafkaSettings } from './test-kafka-settings';
export {
  SHARED_TEST_KAFKA_ENV,
  startSharedTestKafka,
  useTestKafka,
  type SharedTestKafka,
  type TestKafka,
} from './use-test-kafka';
