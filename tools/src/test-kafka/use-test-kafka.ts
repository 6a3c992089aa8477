import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { startApacheKafka } from '../apache-kafka/start-apache-kafka';
import { createTopic as createTopicAndWait } from '../apache-kafka/topic-admin';
import { connectDevKafkaControl } from '../dev-kafka/control-client';
import { startDevKafka } from '../dev-kafka/start-dev-kafka';
import { parseTopicSpec, type TopicSpec } from '../dev-kafka/topic-spec';
import { testKafkaKind, type TestKafkaKind } from './test-kafka-kind';
import { testKafkaSettings, type TestKafkaSettings } from './test-kafka-settings';

/** Set by the Jest global setup: the Kafka every test file of the run shares. */
export const SHARED_TEST_KAFKA_ENV = 'EVENTPATH_SHARED_TEST_KAFKA';

/** What the global setup passes to the test workers. */
export interface SharedTestKafka {
  kind: TestKafkaKind;
  bootstrap: string;
  /** The dev broker's control port, for creating topics from any process. */
  controlPort?: number;
}

export interface TestKafka extends TestKafkaSettings {
  readonly kind: TestKafkaKind;
  readonly brokers: string[];
  readonly bootstrap: string;
  /** Creates a topic (replication: the cluster's default). */
  createTopic(name: string, partitions: number): Promise<void>;
  /**
   * A topic name no other test of this run (or of an earlier run on an
   * external cluster) uses, created with `partitions`.
   */
  createUniqueTopic(prefix: string, partitions: number): Promise<string>;
  /** Ends this file's use: stops a Kafka it started, leaves a shared one running. */
  release(): Promise<void>;
}

/**
 * "A Kafka" for an integration test file. Inside a Jest run with the global
 * setup, the run's shared Kafka; otherwise one of the chosen kind started
 * for the caller (`EVENTPATH_TEST_KAFKA`, see {@link testKafkaKind}).
 * Test files share a Kafka, so they create their topics with
 * {@link TestKafka.createUniqueTopic} and use fresh group ids.
 */
export async function useTestKafka(options: { topics?: Array<TopicSpec | string> } = {}): Promise<TestKafka> {
  const shared = process.env[SHARED_TEST_KAFKA_ENV];
  const handle = shared ? await connectShared(JSON.parse(shared) as SharedTestKafka) : await startOwn(testKafkaKind());
  try {
    for (const { name, partitions } of (options.topics ?? []).map(parseTopicSpec)) await handle.createTopic(name, partitions);
  } catch (error) {
    await handle.release();
    throw error;
  }
  return handle;
}

/** Starts the Kafka a whole test run shares (the Jest global setup calls this). */
export async function startSharedTestKafka(kind: TestKafkaKind = testKafkaKind()): Promise<{ shared: SharedTestKafka; stop(): Promise<void> }> {
  if (kind === 'external') {
    return { shared: { kind, bootstrap: externalBootstrap() }, stop: async () => undefined };
  }
  if (kind === 'dev') {
    const dev = await startDevKafka({ brokers: 1, controlPort: 0 });
    return { shared: { kind, bootstrap: dev.bootstrap, controlPort: dev.controlPort }, stop: () => dev.stop() };
  }
  const apache = await startApacheKafka({ brokers: 1 });
  return { shared: { kind, bootstrap: apache.bootstrap }, stop: () => apache.stop() };
}

async function startOwn(kind: TestKafkaKind): Promise<TestKafka> {
  const { shared, stop } = await startSharedTestKafka(kind);
  const handle = await connectShared(shared);
  return {
    ...handle,
    release: async () => {
      await handle.release();
      await stop();
    },
  };
}

async function connectShared(shared: SharedTestKafka): Promise<TestKafka> {
  const brokers = shared.bootstrap.split(',');
  const settings = testKafkaSettings(shared.kind, brokers);
  let createTopic: (name: string, partitions: number) => Promise<void>;
  let release: () => Promise<void>;
  if (shared.kind === 'dev') {
    if (shared.controlPort === undefined) throw new Error('a shared dev broker needs its control port');
    const control = await connectDevKafkaControl(shared.controlPort);
    createTopic = (name, partitions) => control.createTopic(name, partitions);
    release = () => control.close();
  } else {
    let admin: Admin | undefined;
    createTopic = async (name, partitions) => {
      admin ??= await connectAdmin(brokers);
      await createTopicAndWait(admin, name, partitions);
    };
    release = async () => void (await admin?.disconnect());
  }
  return {
    kind: shared.kind,
    brokers,
    bootstrap: shared.bootstrap,
    ...settings,
    createTopic,
    createUniqueTopic: async (prefix, partitions) => {
      const name = `${prefix}-${randomBytes(4).toString('hex')}`;
      await createTopic(name, partitions);
      return name;
    },
    release,
  };
}

async function connectAdmin(brokers: string[]): Promise<Admin> {
  const admin = new Kafka({ clientId: 'eventpath-test-admin', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  return admin;
}

function externalBootstrap(): string {
  return (process.env['EVENTPATH_TEST_KAFKA_BROKERS'] ?? '').split(',').map((b) => b.trim()).filter(Boolean).join(',');
}
