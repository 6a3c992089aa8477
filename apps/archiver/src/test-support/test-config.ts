import type { TestKafka } from '@eventpath/dev-infra';
import { parseArchiverConfig, type ArchiverConfig } from '../config';
import { EXAMPLE_PROTO_DIRECTORY } from './example-schema';

export interface TestConfigOptions {
  kafka: Pick<TestKafka, 'brokers'>;
  archiveUrl: string;
  workDirectory: string;
  topics: unknown[];
  defaults?: Record<string, unknown>;
  budgets?: Record<string, unknown>;
  archive?: Record<string, unknown>;
  schemas?: Record<string, unknown>;
  deadLetters?: Record<string, unknown>;
  consumer?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
}

/** The configuration file a test would write, as an object: quick sessions and commits, silent logs, a free ops port. */
export function testConfigFile(options: TestConfigOptions): Record<string, unknown> {
  return {
    logLevel: 'silent',
    ops: { port: 0 },
    kafka: {
      brokers: options.kafka.brokers,
      clientId: 'archiver-test',
      consumer: { sessionTimeout: '6s', heartbeatInterval: '500ms', maxWaitTime: '100ms', commitInterval: '200ms', ...options.consumer },
    },
    archive: { url: options.archiveUrl, workDirectory: options.workDirectory, uploadAttempts: 10, ...options.archive },
    schemas: { sources: [{ name: 'example', location: EXAMPLE_PROTO_DIRECTORY }], pollInterval: 0, ...options.schemas },
    ...(options.deadLetters ? { deadLetters: options.deadLetters } : {}),
    budgets: { memory: '64MiB', ...options.budgets },
    defaults: { idleClose: '2s', groupId: `archiver-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`, ...options.defaults },
    topics: options.topics,
  };
}

export function testArchiverConfig(options: TestConfigOptions): ArchiverConfig {
  return parseArchiverConfig(testConfigFile(options), { env: options.env ?? {} });
}
