export * from './redis';
export * from './dev-kafka';
export * from './gcs-emulator';
export * from './dev-stack/start-dev-stack';
export * from './test-support';
export * from './apache-kafka';
export * from './test-kafka';
export * from './dev-stack/stack-kafka';
