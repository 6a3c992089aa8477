import { randomBytes } from 'node:crypto';
import { createTopic, startApacheKafka, type ApacheKafka } from '@eventpath/dev-infra';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { TEST_MAINSTREAM_ENV } from './test-mainstream-env';


/** A mainstream cluster for a test file: the run's shared one, or one started for the file when there is none. */
export interface TestMainstream {
  readonly bootstrap: string;
  readonly brokers: string[];
  createTopic(name: string, partitions: number, config?: Record<string, string>): Promise<void>;
  createUniqueTopic(prefix: string, partitions: number, config?: Record<string, string>): Promise<string>;
  release(): Promise<void>;
}

export async function useTestMainstream(): Promise<TestMainstream> {
  const shared = process.env[TEST_MAINSTREAM_ENV];
  let own: ApacheKafka | undefined;
  const bootstrap = shared ?? (own = await startApacheKafka({ brokers: 1 })).bootstrap;
  const brokers = bootstrap.split(',');
  let admin: Admin | undefined;
  const create = async (name: string, partitions: number, config?: Record<string, string>) => {
    admin ??= await connectAdmin(brokers);
    await createTopic(admin, name, partitions, 1, config);
  };
  return {
    bootstrap,
    brokers,
    createTopic: create,
    createUniqueTopic: async (prefix, partitions, config) => {
      const name = `${prefix}-${randomBytes(4).toString('hex')}`;
      await create(name, partitions, config);
      return name;
    },
    release: async () => {
      await admin?.disconnect();
      await own?.stop();
    },
  };
}

async function connectAdmin(brokers: string[]): Promise<Admin> {
  const admin = new Kafka({ clientId: 'relay-test-admin', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  return admin;
}
