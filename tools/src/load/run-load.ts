import { seededRandom } from '../test-support';
import { EventPacer } from './event-pacer';
import { buildGatewayRequest, postToGateway } from './gateway-requests';
import { LoadStats, type LoadSummary } from './load-stats';
import { nextRequestShape, type RequestMix, type RequestShape } from './request-mix';
import { sampleEvent } from './sample-events';
import type { SampleEncoder } from './sample-schema';

export interface LoadOptions {
  /** The gateway, e.g. http://127.0.0.1:8082. */
  url: string;
  /** Events per second. */
  rate: number;
  /** Stop sending after this long, or after `count` events (whichever comes first; at least one is set). */
  durationMs?: number;
  count?: number;
  mix: RequestMix;
  /** The protobuf message type of each topic of `mix.topics`. */
  messageTypes: Record<string, string>;
  encoder: SampleEncoder;
  /** Most requests waiting for an answer at once. */
  concurrency: number;
  /** Per request. */
  timeoutMs: number;
  seed: number;
  /** Event ids are `<idPrefix>-<n>`. */
  idPrefix: string;
  onProgress?(line: string): void;
  progressIntervalMs?: number;
  /** Stops sending early (Ctrl-C); requests in flight are still awaited. */
  signal?: AbortSignal;
}

/**
 * Posts sample events to the gateway at `rate` in the request mix until the
 * duration or count is reached, then waits for the answers and sums them up.
 */
export async function runLoad(options: LoadOptions): Promise<LoadSummary> {
  if (options.durationMs === undefined && options.count === undefined) throw new RangeError('set a duration or a count');
  const random = seededRandom(options.seed);
  const startMs = Date.now();
  const pacer = new EventPacer(options.rate, startMs);
  const stats = new LoadStats(startMs);
  const inFlight = new Set<Promise<void>>();
  const progress = setInterval(() => options.onProgress?.(stats.progressLine(Date.now())), options.progressIntervalMs ?? 1000);
  let scheduled = 0;
  let next: RequestShape | undefined;
  const remaining = () => (options.count === undefined ? Infinity : options.count - scheduled);
  const finished = () => remaining() <= 0 || (options.durationMs !== undefined && Date.now() - startMs >= options.durationMs) || options.signal?.aborted === true;
  try {
    while (!finished()) {
      if (inFlight.size >= options.concurrency) {
        await Promise.race(inFlight);
        continue;
      }
      next ??= nextRequestShape(options.mix, random, remaining());
      const now = Date.now();
      if (pacer.due(now) < scheduled + next.size) {
        const untilEnd = options.durationMs === undefined ? Infinity : startMs + options.durationMs - now;
        await sleep(Math.max(1, Math.min(pacer.msUntil(scheduled + next.size, now), untilEnd)), options.signal);
        continue;
      }
      const shape = next;
      next = undefined;
      const messageType = options.messageTypes[shape.topic];
      const events = Array.from({ length: shape.size }, (_, i) => sampleEvent(messageType, `${options.idPrefix}-${scheduled + i}`, now, random));
      scheduled += shape.size;
      const request = buildGatewayRequest(shape, events, options.encoder);
      stats.sending(shape.size);
      const sent = postToGateway(options.url, request, shape.size, options.timeoutMs).then((outcome) => {
        stats.answered(outcome);
        inFlight.delete(sent);
      });
      inFlight.add(sent);
    }
    await Promise.all(inFlight);
  } finally {
    clearInterval(progress);
  }
  return stats.summary(Date.now());
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
