import {
  KafkaDeadLetterWriter,
  MemoryBudget,
  StoreDeadLetterWriter,
  startArchivePipeline,
  type ArchivePipeline,
  type ConsumerGroupPlan,
  type DeadLetterWriter,
} from '@eventpath/archive';
import { BatchingProducer, createKafkaClient } from '@eventpath/queues';
import { ConfigError, Counter, startAppShell, type AppShell, type Logger } from '@eventpath/runtime';
import { startSchemaRegistry, UnknownMessageTypeError, type SchemaRegistry } from '@eventpath/schemas';
import { openObjectStore, type OpenObjectStoreOptions, type RetryEvent } from '@eventpath/storage';
import type { ArchiverConfig } from './config';
import { resolveTopics, type ResolvedTopic } from './config/topic-resolution';

export interface RunningArchiver extends AppShell {
  /** The topics archived, with their settings. */
  topics: ResolvedTopic[];
  pipeline: ArchivePipeline;
  schemas: SchemaRegistry;
}

/** How the archiver opens its store (and schema objects) from its configuration. */
export function objectStoreOptions(config: Pick<ArchiverConfig, 'archive'>, onRetry?: (event: RetryEvent) => void): OpenObjectStoreOptions {
  const { gcsApiEndpoint, gcsProjectId, gcsKeyFile, uploadDeadlineMs } = config.archive;
  return {
    gcs: {
      ...(onRetry ? { onRetry } : {}),
      storageOptions: {
        ...(gcsApiEndpoint ? { apiEndpoint: gcsApiEndpoint, projectId: gcsProjectId ?? 'eventpath' } : {}),
        ...(gcsProjectId ? { projectId: gcsProjectId } : {}),
        ...(gcsKeyFile ? { keyFilename: gcsKeyFile } : {}),
      },
      retry: { deadlineMs: uploadDeadlineMs },
    },
  };
}

/**
 * Wires the archiver from its configuration and starts it: the topics to
 * archive (entries matched against the cluster), the object store, the
 * schema registry, the dead-letter place and the four-stage pipeline, behind
 * the operations server (/healthz, /readyz, /metrics).
 */
export async function createArchiver(config: ArchiverConfig, logger?: Logger): Promise<RunningArchiver> {
  const shell = await startAppShell({ name: 'archiver', opsPort: config.opsPort, logLevel: config.logLevel, logger });
  try {
    const kafka = createKafkaClient(config.kafka, { logger: shell.logger });
    const admin = kafka.admin();
    await admin.connect();
    let clusterTopics: string[];
    try {
      clusterTopics = await admin.listTopics();
    } finally {
      await admin.disconnect();
    }
    const deadLetterTopic = config.deadLetters.kind === 'kafka' ? config.deadLetters.topic : undefined;
    const topics = resolveTopics(config.topics, clusterTopics, { exclude: deadLetterTopic ? [deadLetterTopic] : [] });
    if (deadLetterTopic && !clusterTopics.includes(deadLetterTopic)) {
      throw new ConfigError([{ key: 'deadLetters.kafkaTopic', reason: `topic ${JSON.stringify(deadLetterTopic)} does not exist in the cluster` }]);
    }

    const storageRetries = new Counter({
      name: 'eventpath_archiver_storage_retries_total',
      help: 'Transient object-store failures (GCS 408/429/5xx, network) retried by the store, by operation',
      labelNames: ['operation'],
      registers: [shell.registry],
    });
    const storeOptions = objectStoreOptions(config, (event) => {
      storageRetries.inc({ operation: event.operation });
      shell.logger.warn({ err: event.error, operation: event.operation, object: event.objectName, attempt: event.attempt }, 'object store operation failed; retrying');
    });
    const store = await openObjectStore(config.archive.url, storeOptions);
    const schemas = await startSchemaRegistry({
      sources: config.schemas.sources,
      pollIntervalMs: config.schemas.pollIntervalMs,
      ...(config.schemas.push ? { push: config.schemas.push } : {}),
      onIncompatibleUpdate: config.schemas.onIncompatibleUpdate,
      openObjectStore: (url) => openObjectStore(url, storeOptions),
      logger: shell.logger.child({ component: 'schemas' }),
      metrics: shell.registry,
    });
    shell.onStop(() => schemas.close());
    // Every topic's type must exist and map to Parquet now, not at its first record. Looking a
    // type up also marks it in use, so updates incompatible with it are refused.
    const mappingProblems = topics.flatMap((t) => {
      try {
        schemas.messageType(t.settings.messageType).parquetMapping({ metadataColumns: t.settings.metadataColumns });
        return [];
      } catch (error) {
        const reason = error instanceof UnknownMessageTypeError ? `${t.settings.messageType} is defined by no schema source` : (error as Error).message;
        return [{ key: `${t.rule}.messageType`, reason: `topic ${t.settings.topic}: ${reason}` }];
      }
    });
    if (mappingProblems.length > 0) throw new ConfigError(mappingProblems);

    let deadLetters: DeadLetterWriter;
    const retry = { attempts: config.archive.uploadAttempts };
    if (deadLetterTopic) {
      const producer = new BatchingProducer(kafka, {});
      await producer.connect();
      deadLetters = new KafkaDeadLetterWriter(producer, deadLetterTopic, retry);
    } else {
      deadLetters = new StoreDeadLetterWriter(store, retry);
    }

    const groups = new Map<string, ConsumerGroupPlan>();
    for (const topic of topics) {
      const plan = groups.get(topic.groupId) ?? { groupId: topic.groupId, topics: [] };
      plan.topics.push(topic.settings);
      groups.set(topic.groupId, plan);
    }
    const { consumer } = config;
    const pipeline = await startArchivePipeline({
      kafka,
      groups: [...groups.values()],
      lookup: (typeName) => schemas.messageType(typeName),
      onSchemaUpdate: (listener) => schemas.onUpdate(listener),
      store,
      deadLetters,
      workDirectory: config.archive.workDirectory,
      budget: new MemoryBudget({ budgetBytes: config.budgets.memoryBytes, readQueueBytes: config.budgets.readQueueBytes }),
      maxOpenFiles: config.budgets.openFiles,
      uploadConcurrency: config.archive.uploadConcurrency,
      consumerConfig: {
        sessionTimeout: consumer.sessionTimeout,
        heartbeatInterval: consumer.heartbeatInterval,
        rebalanceTimeout: consumer.rebalanceTimeout,
        maxWaitTimeInMs: consumer.maxWaitTime,
        maxBytesPerPartition: consumer.maxBytesPerPartition,
        maxBytes: consumer.maxBytes,
        allowAutoTopicCreation: false,
      },
      fromBeginning: consumer.fromBeginning,
      commitIntervalMs: consumer.commitInterval,
      uploadRetry: retry,
      registry: shell.registry,
      logger: shell.logger,
    });
    shell.readiness.kafka = async () => {
      if (!pipeline.ready()) throw new Error('not every consumer group has assigned partitions yet');
    };
    shell.onStop(() => pipeline.stop());
    shell.logger.info(
      { topics: topics.map((t) => ({ topic: t.settings.topic, messageType: t.settings.messageType, group: t.groupId })), store: store.url, deadLetters: deadLetters.destination },
      'archiving',
    );
    const done = new Promise<void>((resolve, reject) => {
      shell.done.then(resolve, reject);
      pipeline.done.catch(reject);
    });
    return { ...shell, done, topics, pipeline, schemas };
  } catch (error) {
    await shell.stop();
    throw error;
  }
}
