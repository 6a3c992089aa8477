import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useTestKafka, type TestKafka } from '@eventpath/dev-infra';
import type { MessageSchema } from '@eventpath/schemas';
import type { Admin, Producer } from 'kafkajs';
import type { RunningArchiver } from '../archiver';
import type { ArchiverProcess } from './archiver-process';
import { exampleTypes } from './example-schema';
import { testAdmin } from './group-offsets';
import { testProducer } from './produce';

/** What a test file of the archiver works with, set up once per file. */
export interface ArchiverTestbed {
  readonly kafka: TestKafka;
  readonly admin: Admin;
  readonly producer: Producer;
  readonly types: { pageViewed: MessageSchema; orderPlaced: MessageSchema };
  /** A temporary directory for this file, removed at its end. */
  readonly dir: string;
  /** Stops this in-process archiver at the end of the test (if still running). */
  track(archiver: RunningArchiver): RunningArchiver;
  /** SIGKILLs this archiver process at the end of the file (if still running). */
  trackProcess(archiver: ArchiverProcess): ArchiverProcess;
}

/**
 * The shared Kafka of the run, an admin client, a producer, the example
 * schema's types and a temporary directory, for one test file; archivers the
 * tests start are stopped after each test, processes killed after the file.
 */
export function useArchiverTestbed(prefix: string): ArchiverTestbed {
  const state: { -readonly [K in keyof Omit<ArchiverTestbed, 'track' | 'trackProcess'>]?: ArchiverTestbed[K] } = {};
  const running: RunningArchiver[] = [];
  const processes: ArchiverProcess[] = [];
  beforeAll(async () => {
    state.kafka = await useTestKafka();
    state.admin = await testAdmin(state.kafka);
    state.producer = await testProducer(state.kafka);
    state.types = await exampleTypes();
    state.dir = await mkdtemp(join(tmpdir(), `${prefix}-`));
  });
  afterEach(async () => {
    for (const archiver of running.splice(0)) await archiver.stop();
  });
  afterAll(async () => {
    for (const archiver of processes.splice(0)) await archiver.kill();
    await state.producer?.disconnect();
    await state.admin?.disconnect();
    await state.kafka?.release();
    if (state.dir) await rm(state.dir, { recursive: true, force: true });
  });
  const get = <K extends keyof typeof state>(key: K) => {
    const value = state[key];
    if (value === undefined) throw new Error(`the testbed's ${String(key)} is set up in beforeAll`);
    return value as NonNullable<(typeof state)[K]>;
  };
  return {
    get kafka() {
      return get('kafka');
    },
    get admin() {
      return get('admin');
    },
    get producer() {
      return get('producer');
    },
    get types() {
      return get('types');
    },
    get dir() {
      return get('dir');
    },
    track(archiver) {
      running.push(archiver);
      return archiver;
    },
    trackProcess(archiver) {
      processes.push(archiver);
      return archiver;
    },
  };
}
