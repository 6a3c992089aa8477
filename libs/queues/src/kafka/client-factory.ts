import { readFileSync } from 'node:fs';
import { Kafka, logLevel as KafkaLogLevel, type KafkaConfig, type LogEntry, type logCreator, type SASLOptions } from 'kafkajs';
import type { Logger } from 'pino';
import { registerCompressionCodecs } from './compression-codecs';
import type { KafkaClientSettings } from './kafka-config';

export interface KafkaClientOptions {
  /** Receives kafkajs's log lines; kafkajs logs to the console when unset. */
  logger?: Logger;
  /** Least severe kafkajs level passed on. Default WARN: kafkajs logs every rebalance and reconnect at INFO. */
  logLevel?: KafkaLogLevel;
  /** kafkajs settings not covered by the validated config (e.g. a socket factory). */
  overrides?: Partial<KafkaConfig>;
}

/** The kafkajs configuration for validated settings; TLS files are read here, once. */
export function kafkaJsConfig(settings: KafkaClientSettings, options: KafkaClientOptions = {}): KafkaConfig {
  const config: KafkaConfig = {
    clientId: settings.clientId,
    brokers: settings.brokers,
    connectionTimeout: settings.connectionTimeoutMs,
    requestTimeout: settings.requestTimeoutMs,
    retry: {
      retries: settings.retry.retries,
      initialRetryTime: settings.retry.initialRetryTimeMs,
      maxRetryTime: settings.retry.maxRetryTimeMs,
    },
    logLevel: options.logLevel ?? KafkaLogLevel.WARN,
  };
  if (settings.ssl) {
    const { caFile, certFile, keyFile, rejectUnauthorized } = settings.ssl;
    config.ssl = {
      rejectUnauthorized,
      ...(caFile ? { ca: [readFileSync(caFile, 'utf8')] } : {}),
      ...(certFile ? { cert: readFileSync(certFile, 'utf8') } : {}),
      ...(keyFile ? { key: readFileSync(keyFile, 'utf8') } : {}),
    };
  }
  if (settings.sasl) config.sasl = settings.sasl as SASLOptions;
  if (options.logger) config.logCreator = pinoLogCreator(options.logger);
  return { ...config, ...options.overrides };
}

/** A kafkajs client for one cluster, with every compression codec registered (see `registerCompressionCodecs`). */
export function createKafkaClient(settings: KafkaClientSettings, options: KafkaClientOptions = {}): Kafka {
  registerCompressionCodecs();
  return new Kafka(kafkaJsConfig(settings, options));
}

function pinoLogCreator(logger: Logger): logCreator {
  const child = logger.child({ component: 'kafkajs' });
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, timestamp: _timestamp, logger: _logger, ...fields } = log as LogEntry['log'] & { logger?: string };
      const context = { namespace, ...fields };
      if (level === KafkaLogLevel.ERROR) child.error(context, message);
      else if (level === KafkaLogLevel.WARN) child.warn(context, message);
      else if (level === KafkaLogLevel.INFO) child.info(context, message);
      else child.debug(context, message);
    };
}
