import { KafkaOperationError, type KafkaErrorKind } from '../errors';

const AUTH_TYPES = new Set([
  'SASL_AUTHENTICATION_FAILED',
  'TOPIC_AUTHORIZATION_FAILED',
  'GROUP_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  'DELEGATION_TOKEN_AUTHORIZATION_FAILED',
  'UNSUPPORTED_SASL_MECHANISM',
  'ILLEGAL_SASL_STATE',
]);
const TOO_LARGE_TYPES = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']);
const UNKNOWN_TOPIC_TYPES = new Set(['UNKNOWN_TOPIC_OR_PARTITION']);
/**
 * The group moved on under a member (a rebalance, or its session expired):
 * kafkajs rejoins by itself, and what was not committed is redelivered, so
 * these are transient even where kafkajs flags them not retriable.
 */
const REBALANCE_TYPES = new Set(['ILLEGAL_GENERATION', 'REBALANCE_IN_PROGRESS', 'UNKNOWN_MEMBER_ID', 'FENCED_INSTANCE_ID']);
/**
 * The error kafkajs raises for a send on a producer after `disconnect()`.
 * It carries no type or code and is flagged retriable, yet retrying can
 * never succeed; its message is kafkajs's own constant, matched whole.
 */
const PRODUCER_DISCONNECTED_MESSAGE = 'The producer is disconnected';
/** Broker-side conditions under which the cluster cannot take a write with acks=all right now. */
const UNAVAILABLE_TYPES = new Set([
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_FOR_PARTITION',
  'BROKER_NOT_AVAILABLE',
  'REQUEST_TIMED_OUT',
  'NETWORK_EXCEPTION',
  'NOT_ENOUGH_REPLICAS',
  'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
  'GROUP_COORDINATOR_NOT_AVAILABLE',
]);
const UNAVAILABLE_NAMES = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSGroupCoordinatorNotFound',
]);

interface KafkaJsErrorShape {
  name?: string;
  message?: string;
  type?: string;
  retriable?: boolean;
  cause?: unknown;
  errors?: unknown[];
}

/**
 * Classifies a kafkajs error by what the caller should do about it. kafkajs
 * wraps the error that ended its retries (NumberOfRetriesExceeded,
 * NonRetriableError), so the whole cause chain is examined, the most
 * specific finding winning: auth, then message size, then availability.
 */
export function classifyKafkaError(error: unknown): KafkaErrorKind {
  const chain = causeChain(error);
  const types = chain.map((e) => e.type).filter((t): t is string => typeof t === 'string');
  const names = chain.map((e) => e.name);
  if (names.includes('KafkaJSSASLAuthenticationError') || types.some((t) => AUTH_TYPES.has(t))) return 'auth';
  if (types.some((t) => TOO_LARGE_TYPES.has(t))) return 'message-too-large';
  if (chain.some((e) => e.name === 'KafkaJSError' && e.message === PRODUCER_DISCONNECTED_MESSAGE)) return 'fatal';
  if (types.some((t) => UNKNOWN_TOPIC_TYPES.has(t))) return 'unknown-topic';
  if (types.some((t) => REBALANCE_TYPES.has(t))) return 'retriable';
  if (names.some((n) => n !== undefined && UNAVAILABLE_NAMES.has(n)) || types.some((t) => UNAVAILABLE_TYPES.has(t))) {
    return 'broker-unavailable';
  }
  const root = chain[chain.length - 1];
  return root?.retriable === true ? 'retriable' : 'fatal';
}

/** Wraps a kafkajs error in a {@link KafkaOperationError} carrying its classification. */
export function toKafkaOperationError(error: unknown, what: string): KafkaOperationError {
  if (error instanceof KafkaOperationError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new KafkaOperationError(classifyKafkaError(error), `${what}: ${detail}`, { cause: error });
}

function causeChain(error: unknown): KafkaJsErrorShape[] {
  const chain: KafkaJsErrorShape[] = [];
  const pending: unknown[] = [error];
  while (pending.length > 0 && chain.length < 32) {
    const next = pending.shift();
    if (typeof next !== 'object' || next === null || chain.includes(next as KafkaJsErrorShape)) continue;
    const shape = next as KafkaJsErrorShape;
    chain.push(shape);
    if (shape.cause !== undefined) pending.push(shape.cause);
    if (Array.isArray(shape.errors)) pending.push(...shape.errors);
  }
  return chain;
}
