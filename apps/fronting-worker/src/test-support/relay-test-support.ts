// The relay lib's test helpers (events as the gateway writes them, reading
// topics back with kcat, the shared mainstream cluster). Both projects are
// the same team's, and a lib's test-support folder has no import alias.
/* eslint-disable @nx/enforce-module-boundaries */
export { completeness, countIds, expectedHeaders, header, readTopic, type StoredRecord } from '../../../../libs/relay/src/test-support/read-back';
export {
  ID_HEADER,
  produceEvents,
  quickKafka,
  testEvents,
  toFailoverEvent,
  toKafkaMessage,
  topicSize,
  type TestEvent,
} from '../../../../libs/relay/src/test-support/test-events';
export { useTestMainstream, type TestMainstream } from '../../../../libs/relay/src/test-support/test-mainstream';
/* eslint-enable @nx/enforce-module-boundaries */
