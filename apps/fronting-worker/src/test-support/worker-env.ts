/**
 * Environment for a worker under test: its clusters and Redis, and
 * settings that make a test quick (short sessions and intervals, fast
 * retries, kafkajs noticing a dead broker within seconds).
 */
export function workerEnv(options: {
  fronting: string[];
  mainstream: string[];
  redisUrl: string;
  groupId: string;
  instanceId: string;
  extra?: Record<string, string>;
}): Record<string, string> {
  return {
    LOG_LEVEL: process.env['WORKER_TEST_LOG'] ?? 'silent',
    OPS_PORT: '0',
    FRONTING_KAFKA_BROKERS: options.fronting.join(','),
    MAINSTREAM_KAFKA_BROKERS: options.mainstream.join(','),
    REDIS_URL: options.redisUrl,
    WORKER_GROUP_ID: options.groupId,
    WORKER_INSTANCE_ID: options.instanceId,
    WORKER_SESSION_TIMEOUT_MS: '6000',
    WORKER_HEARTBEAT_INTERVAL_MS: '500',
    WORKER_COMMIT_INTERVAL_MS: '200',
    WORKER_LAG_INTERVAL_MS: '300',
    WORKER_TOPIC_REFRESH_MS: '1000',
    WORKER_RETRY_INITIAL_MS: '100',
    WORKER_RETRY_MAX_MS: '1000',
    DRAIN_BLOCK_MS: '200',
    FRONTING_KAFKA_REQUEST_TIMEOUT_MS: '5000',
    FRONTING_KAFKA_RETRIES: '3',
    FRONTING_KAFKA_RETRY_INITIAL_MS: '100',
    FRONTING_KAFKA_RETRY_MAX_MS: '1000',
    MAINSTREAM_KAFKA_REQUEST_TIMEOUT_MS: '5000',
    MAINSTREAM_KAFKA_RETRIES: '3',
    MAINSTREAM_KAFKA_RETRY_INITIAL_MS: '100',
    MAINSTREAM_KAFKA_RETRY_MAX_MS: '1000',
    ...options.extra,
  };
}
