import { Router, type Request, type Response } from 'express';
import type { IngestEvent } from '../events/ingest-event';
import { IngestRequestError } from '../events/ingest-request-error';
import { nativeBodyKind, parseNativeBody } from '../native/native-request-body';
import type { EventOutcome } from '../sink/event-outcome';
import { allDurable } from '../sink/event-outcome';
import type { IngestServices } from './ingest-services';
import { bodyReader } from './read-body';
import { admitTopic } from './topic-admission';
import { writeEvents } from './write-events';


/** One event's answer in the native API. */
export interface NativeResult {
  id: string;
  status: 'kafka' | 'failover' | 'not-accepted';
  partition?: number;
  offset?: number;
  reason?: string;
}

/**
 * The native API:
 * - `POST /v1/topics/{topic}/events`: 200 `{ results: [{ id, status, partition?, offset? }] }`
 *   once every event is durable (`status` `kafka` or `failover`); 503 with
 *   `Retry-After` and the events not accepted otherwise; 4xx (nothing written)
 *   for bad requests, naming the event index and field;
 * - `GET /v1/topics`: the topics this key may produce to.
 */
export function nativeApiRouter(services: IngestServices): Router {
  const router = Router();
  const readBody = bodyReader(services.maxBodyBytes);

  router.post('/v1/topics/:topic/events', async (req: Request, res: Response) => {
    res.locals['route'] = 'native';
    try {
      const { principal, topic } = await admitTopic(
        services.topics,
        services.authenticator,
        req.headers,
        String(req.params['topic']),
        'bad-request',
        services.retryAfterSeconds,
      );
      const contentType = req.headers['content-type'];
      const hasSchema = services.codecs.hasSchema(topic.name);
      nativeBodyKind(contentType, hasSchema);
      const body = await readBody(req, res);
      const drafts = parseNativeBody(body, contentType, {
        hasSchema,
        limits: services.limits,
        header: (name) => {
          const value = req.headers[name];
          return Array.isArray(value) ? value[0] : value;
        },
      });
      const { events, outcomes } = await writeEvents(services, principal, topic, drafts);
      const results = events.map((event, i) => nativeResult(event, outcomes[i]));
      if (allDurable(outcomes)) {
        res.status(200).json({ results });
        return;
      }
      const notAccepted = results.flatMap((result, index) => (result.status === 'not-accepted' ? [{ index, id: result.id, reason: result.reason }] : []));
      res.setHeader('Retry-After', String(services.retryAfterSeconds));
      res.status(503).json({
        error: `${notAccepted.length} of ${results.length} events were not accepted: neither the fronting Kafka nor the failover stream took them; the others are durable (see results)`,
        code: 'not-accepted',
        retryAfterSeconds: services.retryAfterSeconds,
        notAccepted,
        results,
      });
    } catch (error) {
      sendNativeError(services, res, error);
    }
  });

  router.get('/v1/topics', (req: Request, res: Response) => {
    res.locals['route'] = 'native-topics';
    try {
      const principal = services.authenticator.authenticate(req.headers);
      res.status(200).json({ topics: services.topics.names().filter((name) => principal.acl.allows(name)) });
    } catch (error) {
      sendNativeError(services, res, error);
    }
  });

  return router;
}

function nativeResult(event: IngestEvent, outcome: EventOutcome): NativeResult {
  if (outcome.status === 'kafka') return { id: event.id, status: 'kafka', partition: outcome.partition, offset: Number(outcome.offset) };
  if (outcome.status === 'failover') return { id: event.id, status: 'failover' };
  return { id: event.id, status: 'not-accepted', reason: outcome.reason };
}

/** The native API's error answer: `{ error, code, problems? }`, with `Retry-After` for 429 and 503. */
export function sendNativeError(services: IngestServices, res: Response, error: unknown): void {
  if (!(error instanceof IngestRequestError)) {
    services.logger?.error({ err: error }, 'request failed');
    res.status(500).json({ error: 'internal error', code: 'internal' });
    return;
  }
  if (error.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(error.retryAfterSeconds));
  res.status(error.status).json({
    error: error.message,
    code: error.kind,
    ...(error.problems.length > 0 ? { problems: error.problems } : {}),
  });
}
