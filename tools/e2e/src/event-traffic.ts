import { sampleEventJson, SAMPLE_TOPICS, type SampleEncoder, type SampleTopic } from './sample-schema';

/** How a request carries its events: the native API's JSON (one event or a batch) or one protobuf message. */
export type RequestFormat = 'json-single' | 'json-batch' | 'protobuf';
export type Durability = 'kafka' | 'failover';

export interface EventTrafficOptions {
  gatewayUrl: string;
  encoder: SampleEncoder;
  random: () => number;
  /** Events per second, first sends (retries come on top). */
  eventsPerSecond: number;
  /** Prefix of every event id, so a run's ids are its own. */
  idPrefix: string;
  /** Most events of one batch request. */
  maxBatch: number;
  /** Requests awaiting an answer at once, at most. */
  maxInFlight?: number;
}

/** A request's outcome for the report: answered 2xx, or given up on after its attempts. */
export interface RequestOutcome {
  format: RequestFormat;
  topic: SampleTopic;
  ids: string[];
  attempts: number;
  /** Statuses of every attempt (0: no answer, e.g. the connection was cut by a kill). */
  statuses: number[];
  acknowledged: boolean;
}

interface PreparedRequest {
  format: RequestFormat;
  topic: SampleTopic;
  ids: string[];
  url: string;
  headers: Record<string, string>;
  body: string | Uint8Array;
}

const ATTEMPT_TIMEOUT_MS = 15_000;

/**
 * A producer application as the design expects one: it posts events at a
 * steady rate, in a seeded mix of single JSON events, JSON batches and
 * protobuf messages over several topics, and retries what was not
 * acknowledged (503, a cut connection) with the same ids until it is, or
 * until it is told to give up. Only a 2xx counts as an acknowledgement,
 * per event, with the durability level the answer names.
 */
export class EventTraffic {
  /** Every event id sent at least once, with its topic. */
  readonly sent = new Map<string, SampleTopic>();
  /** Every event id answered 2xx, with where the gateway said it is durable. */
  readonly acknowledged = new Map<string, Durability>();
  readonly outcomes: RequestOutcome[] = [];
  /** Answers that are neither 2xx nor a reason to retry (4xx): the test fails on any. */
  readonly refusals: string[] = [];
  private sequence = 0;
  private running = false;
  private givingUp = false;
  private loop: Promise<void> | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: EventTrafficOptions) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Stops sending new requests and waits until every request is acknowledged. */
  async finish(): Promise<void> {
    this.running = false;
    await this.loop;
    while (this.inFlight.size > 0) await Promise.race(this.inFlight);
  }

  /** Makes requests still retrying give up after their current attempt (they count as not acknowledged). */
  giveUp(): void {
    this.givingUp = true;
  }

  count(format: RequestFormat): { requests: number; events: number } {
    const of = this.outcomes.filter((o) => o.format === format);
    return { requests: of.length, events: of.reduce((n, o) => n + o.ids.length, 0) };
  }

  durability(level: Durability): number {
    let n = 0;
    for (const where of this.acknowledged.values()) if (where === level) n++;
    return n;
  }

  private async run(): Promise<void> {
    const { eventsPerSecond, maxInFlight = 32 } = this.options;
    const started = Date.now();
    let events = 0;
    while (this.running) {
      // Paced by events: the next request leaves when the rate allows it.
      const due = started + (events * 1000) / eventsPerSecond;
      if (Date.now() < due) {
        await sleep(Math.min(due - Date.now(), 100));
        continue;
      }
      if (this.inFlight.size >= maxInFlight) {
        await Promise.race(this.inFlight);
        continue;
      }
      const request = this.prepare();
      events += request.ids.length;
      const done: Promise<void> = this.send(request).finally(() => this.inFlight.delete(done));
      this.inFlight.add(done);
    }
  }

  private prepare(): PreparedRequest {
    const { random, encoder, idPrefix, maxBatch, gatewayUrl } = this.options;
    const topic = SAMPLE_TOPICS[Math.floor(random() * SAMPLE_TOPICS.length)].topic;
    const roll = random();
    const format: RequestFormat = roll < 0.3 ? 'json-single' : roll < 0.6 ? 'protobuf' : 'json-batch';
    const size = format === 'json-batch' ? 2 + Math.floor(random() * (maxBatch - 1)) : 1;
    const now = Date.now();
    const events = Array.from({ length: size }, () => {
      const id = `${idPrefix}-${++this.sequence}`;
      this.sent.set(id, topic);
      return { id, key: `k${this.sequence % 61}`, value: sampleEventJson(topic, id, now) };
    });
    const url = `${gatewayUrl}/v1/topics/${topic}/events`;
    const ids = events.map((e) => e.id);
    if (format === 'protobuf') {
      const [event] = events;
      return { format, topic, ids, url, headers: { 'content-type': 'application/x-protobuf', 'x-event-id': event.id, 'x-event-key': event.key }, body: encoder.encode(topic, event.value) };
    }
    const body = JSON.stringify(format === 'json-single' ? events[0] : { events });
    return { format, topic, ids, url, headers: { 'content-type': 'application/json' }, body };
  }

  private async send(request: PreparedRequest): Promise<void> {
    const outcome: RequestOutcome = { format: request.format, topic: request.topic, ids: request.ids, attempts: 0, statuses: [], acknowledged: false };
    this.outcomes.push(outcome);
    for (;;) {
      outcome.attempts++;
      const answer = await post(request);
      outcome.statuses.push(answer.status);
      if (answer.status >= 200 && answer.status < 300) {
        this.acknowledge(request, answer.body);
        outcome.acknowledged = true;
        return;
      }
      const retriable = answer.status === 0 || answer.status === 429 || answer.status >= 500;
      if (!retriable) {
        this.refusals.push(`${request.format} ${request.topic} [${request.ids[0]}…]: ${answer.status} ${answer.text.slice(0, 300)}`);
        return;
      }
      if (this.givingUp) return;
      const retryAfterMs = Number(answer.retryAfter ?? 0) * 1000;
      await sleep(Math.max(200, Math.min(retryAfterMs || 500, 2000)));
    }
  }

  private acknowledge(request: PreparedRequest, body: unknown): void {
    const results = (body as { results?: { id: string; status: string }[] }).results ?? [];
    const byId = new Map(results.map((r) => [r.id, r.status]));
    for (const id of request.ids) {
      const status = byId.get(id);
      if (status !== 'kafka' && status !== 'failover') {
        this.refusals.push(`2xx without a durable result for ${id}: ${JSON.stringify(body).slice(0, 300)}`);
        continue;
      }
      this.acknowledged.set(id, status);
    }
  }
}

async function post(request: PreparedRequest): Promise<{ status: number; text: string; body: unknown; retryAfter?: string }> {
  try {
    const response = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body, signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS) });
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: response.status, text, body, retryAfter: response.headers.get('retry-after') ?? undefined };
  } catch (error) {
    // No answer: refused (the gateway is down) or cut (it was killed mid-request).
    return { status: 0, text: String(error), body: undefined };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
