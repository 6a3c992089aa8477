import { startRedis, useTestKafka, type DevRedis, type TestKafka } from '@eventpath/dev-infra';
import { loadFrontingWorkerConfig } from '../config';
import { createFrontingWorker, type RunningFrontingWorker } from '../fronting-worker';
import { useTestMainstream, type TestMainstream } from './relay-test-support';
import { workerEnv } from './worker-env';

export interface WorkerSettings {
  groupId: string;
  instanceId: string;
  /** Another mainstream cluster than the stack's (a switch). */
  mainstream?: string[];
  /** More keys: WORKER_TOPICS, WORKER_DEAD_LETTER_TOPIC, DRAIN_*, ... */
  extra?: Record<string, string>;
}

/**
 * What a worker test file shares: the run's Kafka as the fronting cluster,
 * the run's second Kafka as the mainstream cluster, and a redis-server of
 * the file's own; workers started in this process are stopped by `release`.
 */
export interface WorkerTestStack {
  readonly fronting: TestKafka;
  readonly mainstream: TestMainstream;
  readonly redis: DevRedis;
  /** A worker's environment against this stack, with the test's quick settings. */
  env(settings: WorkerSettings): Record<string, string>;
  /** `createFrontingWorker` from that environment, as main.ts calls it. */
  startWorker(settings: WorkerSettings): Promise<RunningFrontingWorker>;
  release(): Promise<void>;
}

export async function startWorkerTestStack(): Promise<WorkerTestStack> {
  const [fronting, mainstream, redis] = await Promise.all([useTestKafka(), useTestMainstream(), startRedis()]);
  const workers: RunningFrontingWorker[] = [];
  const env = (settings: WorkerSettings) =>
    workerEnv({
      fronting: fronting.brokers,
      mainstream: settings.mainstream ?? mainstream.brokers,
      redisUrl: redis.url,
      groupId: settings.groupId,
      instanceId: settings.instanceId,
      extra: settings.extra,
    });
  return {
    fronting,
    mainstream,
    redis,
    env,
    startWorker: async (settings) => {
      const worker = await createFrontingWorker(loadFrontingWorkerConfig(env(settings)));
      workers.push(worker);
      return worker;
    },
    release: async () => {
      await Promise.all(workers.map((worker) => worker.stop()));
      await Promise.all([fronting.release(), mainstream.release(), redis.stop()]);
    },
  };
}
