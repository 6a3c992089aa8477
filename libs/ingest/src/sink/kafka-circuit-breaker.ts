import { KafkaOperationError } from '@eventpath/queues';
import CircuitBreaker from 'opossum';
import type { Logger } from 'pino';
import { CIRCUIT_STATE_VALUES, type IngestMetrics } from '../metrics/ingest-metrics';

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface KafkaCircuitBreakerOptions {
  /** How long a send may take before it counts as failed (its events then fail over). Default 500 ms. */
  sendTimeoutMs?: number;
  /** Failed or timed-out sends in a row that open the circuit. Default 3. */
  consecutiveFailures?: number;
  /** The circuit also opens when this percentage of the sends in the rolling window failed... Default 50. */
  errorThresholdPercentage?: number;
  /** ...once the window holds at least this many sends. Default 20. */
  volumeThreshold?: number;
  /** Length of the rolling window. Default 10 000 ms. */
  rollingWindowMs?: number;
  /** How long the circuit stays open before one send probes Kafka again. Default 2000 ms. */
  resetTimeoutMs?: number;
  metrics?: IngestMetrics;
  logger?: Logger;
}

/** The circuit is open: the send was not attempted. */
export class CircuitOpenError extends Error {
  override readonly name = 'CircuitOpenError';
  constructor() {
    super('the circuit breaker around the fronting Kafka is open: sending to the failover stream');
  }
}

/** The send took longer than `sendTimeoutMs`; it may still complete later. */
export class SendTimeoutError extends Error {
  override readonly name = 'SendTimeoutError';
  constructor(timeoutMs: number) {
    super(`the fronting Kafka did not acknowledge within ${timeoutMs} ms`);
  }
}

/**
 * An opossum circuit breaker around sends to the fronting Kafka. It opens
 * after `consecutiveFailures` failed or timed-out sends in a row, or when the
 * failure rate of the rolling window passes `errorThresholdPercentage`; while
 * open every send is refused at once (`CircuitOpenError`), so no request
 * waits for Kafka; after `resetTimeoutMs` one send probes (half-open), and
 * its success closes the circuit, its failure opens it again. A send that
 * takes longer than `sendTimeoutMs` is given up (`SendTimeoutError`) and
 * counts as a failure. Errors that say nothing about Kafka's health
 * (`message-too-large`) are not counted.
 */
export class KafkaCircuitBreaker<A extends unknown[], R> {
  private readonly breaker: CircuitBreaker<A, R>;
  private readonly timeoutMs: number;
  private failuresInARow = 0;

  constructor(action: (...args: A) => Promise<R>, options: KafkaCircuitBreakerOptions = {}) {
    this.timeoutMs = options.sendTimeoutMs ?? 500;
    const threshold = options.consecutiveFailures ?? 3;
    this.breaker = new CircuitBreaker(action, {
      name: 'fronting-kafka',
      timeout: this.timeoutMs,
      resetTimeout: options.resetTimeoutMs ?? 2000,
      errorThresholdPercentage: options.errorThresholdPercentage ?? 50,
      volumeThreshold: options.volumeThreshold ?? 20,
      rollingCountTimeout: options.rollingWindowMs ?? 10_000,
      rollingCountBuckets: 10,
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
      errorFilter: (error: unknown) => error instanceof KafkaOperationError && error.kind === 'message-too-large',
    });
    const { metrics, logger } = options;
    this.breaker.on('failure', () => {
      if (++this.failuresInARow >= threshold && this.breaker.closed) this.breaker.open();
    });
    this.breaker.on('success', () => void (this.failuresInARow = 0));
    const entered = (state: CircuitState) => () => {
      metrics?.circuitState.set(CIRCUIT_STATE_VALUES[state]);
      metrics?.circuitTransitions.inc({ state });
      if (state === 'open') logger?.warn({ failuresInARow: this.failuresInARow }, 'circuit to the fronting Kafka opened: events go to the failover stream');
      else if (state === 'closed') logger?.info('circuit to the fronting Kafka closed: events go to Kafka again');
      else logger?.info('circuit to the fronting Kafka half-open: probing with the next send');
      if (state !== 'open') this.failuresInARow = 0;
    };
    this.breaker.on('open', entered('open'));
    this.breaker.on('halfOpen', entered('half-open'));
    this.breaker.on('close', entered('closed'));
  }

  get state(): CircuitState {
    return this.breaker.opened ? 'open' : this.breaker.halfOpen ? 'half-open' : 'closed';
  }

  /** Runs the action through the breaker. @throws CircuitOpenError, SendTimeoutError, or the action's error */
  async fire(...args: A): Promise<R> {
    try {
      return await this.breaker.fire(...args);
    } catch (error) {
      const code = (error as { code?: string } | null)?.code;
      if (CircuitBreaker.isOurError(error as Error)) {
        if (code === 'EOPENBREAKER') throw new CircuitOpenError();
        if (code === 'ETIMEDOUT') throw new SendTimeoutError(this.timeoutMs);
      }
      throw error;
    }
  }

  shutdown(): void {
    this.breaker.shutdown();
  }
}
