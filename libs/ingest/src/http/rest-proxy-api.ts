import { Router, type Request, type Response } from 'express';
import { IngestRequestError } from '../events/ingest-request-error';
import { embeddedFormatOf } from '../rest-proxy/embedded-format';
import { parseProduceRecords } from '../rest-proxy/produce-records';
import { produceResponse } from '../rest-proxy/produce-response';
import { REST_PROXY_ERROR_CODES, restProxyErrorBody } from '../rest-proxy/rest-proxy-error-codes';
import { describePartition, describeTopic } from '../rest-proxy/topic-description';
import { allDurable } from '../sink/event-outcome';
import type { IngestServices } from './ingest-services';
import { bodyReader } from './read-body';
import { admitTopic } from './topic-admission';
import { writeEvents } from './write-events';

/**
 * Response types in the REST Proxy's order of preference; a request's
 * `Accept` (with q-values) chooses among them, `*\/*` or none gives the first.
 */
export const REST_PROXY_RESPONSE_TYPES = ['application/vnd.kafka.v2+json', 'application/vnd.kafka+json', 'application/json'];

/** A request whose `Accept` allows none of the response types. */
class NotAcceptableError extends IngestRequestError {
  constructor() {
    super('not-acceptable', 'HTTP 406 Not Acceptable');
  }
}

/**
 * Confluent REST Proxy API v2, produce and topic metadata:
 * `POST /topics/{topic}`, `POST /topics/{topic}/partitions/{partition}`
 * (binary and json embedded formats; avro, protobuf and jsonschema refused
 * with 422), `GET /topics`, `GET /topics/{topic}`, `GET /topics/{topic}/partitions[/{partition}]`.
 * Response shapes, statuses and `error_code`s as the proxy's documentation
 * gives them, except that a record not made durable is never answered with
 * 200: where the proxy answers 200 with per-record errors, this answers 503
 * with `Retry-After` (and the same `offsets`).
 */
export function restProxyRouter(services: IngestServices): Router {
  const router = Router();
  const readBody = bodyReader(services.maxBodyBytes);
  const admit = (req: Request) =>
    admitTopic(services.topics, services.authenticator, req.headers, String(req.params['topic']), 'topic-not-found', services.retryAfterSeconds);

  const handle = (route: string, run: (req: Request, res: Response, type: string) => Promise<void> | void) => async (req: Request, res: Response) => {
    res.locals['route'] = route;
    const type = responseType(req);
    try {
      if (!type) throw new NotAcceptableError();
      await run(req, res, type);
    } catch (error) {
      sendRestProxyError(services, res, error, type ?? 'application/json');
    }
  };

  const produce = async (req: Request, res: Response, type: string, pathPartition?: string) => {
    const { principal, topic } = await admit(req);
    let partition: number | undefined;
    if (pathPartition !== undefined) {
      partition = /^\d+$/.test(pathPartition) ? Number(pathPartition) : Number.NaN;
      if (!(partition < topic.partitions.length)) throw new IngestRequestError('partition-not-found', `topic "${topic.name}" has no partition ${pathPartition}`);
    }
    const format = embeddedFormatOf(req.headers['content-type']);
    if (!format) throw new IngestRequestError('unsupported-media-type', 'HTTP 415 Unsupported Media Type');
    const body = await readBody(req, res);
    const drafts = parseProduceRecords(body, format, partition);
    const { outcomes } = await writeEvents(services, principal, topic, drafts);
    const response = produceResponse(outcomes);
    res.type(type);
    if (allDurable(outcomes)) {
      res.status(200).send(JSON.stringify(response));
      return;
    }
    const failed = response.offsets.filter((offset) => offset.error_code !== null).length;
    res.setHeader('Retry-After', String(services.retryAfterSeconds));
    res.status(503).send(
      JSON.stringify({
        error_code: REST_PROXY_ERROR_CODES.retriableKafkaError,
        message: `Retriable Kafka error: ${failed} of ${outcomes.length} records were not accepted (neither the fronting Kafka nor the failover stream took them); the records with a null error_code are durable`,
        ...response,
      }),
    );
  };

  router.post('/topics/:topic', handle('rest-proxy-produce', (req, res, type) => produce(req, res, type)));
  router.post(
    '/topics/:topic/partitions/:partition',
    handle('rest-proxy-produce-partition', (req, res, type) => produce(req, res, type, String(req.params['partition']))),
  );

  router.get(
    '/topics',
    handle('rest-proxy-topics', (req, res, type) => {
      const principal = services.authenticator.authenticate(req.headers);
      res.type(type).status(200).send(JSON.stringify(services.topics.names().filter((name) => principal.acl.allows(name))));
    }),
  );

  router.get(
    '/topics/:topic',
    handle('rest-proxy-topic', async (req, res, type) => {
      const { topic } = await admit(req);
      let configs: Record<string, string> = {};
      try {
        if (services.topicConfigs) configs = await services.topicConfigs(topic.name);
      } catch (error) {
        throw new IngestRequestError('unavailable', `Retriable Kafka error: ${(error as Error).message}`, {
          errorCode: REST_PROXY_ERROR_CODES.retriableKafkaError,
          retryAfterSeconds: services.retryAfterSeconds,
        });
      }
      res.type(type).status(200).send(JSON.stringify(describeTopic(topic, configs)));
    }),
  );

  router.get(
    '/topics/:topic/partitions',
    handle('rest-proxy-partitions', async (req, res, type) => {
      const { topic } = await admit(req);
      res.type(type).status(200).send(JSON.stringify(topic.partitions.map(describePartition)));
    }),
  );

  router.get(
    '/topics/:topic/partitions/:partition',
    handle('rest-proxy-partitions', async (req, res, type) => {
      const { topic } = await admit(req);
      const id = String(req.params['partition']);
      const partition = /^\d+$/.test(id) ? topic.partitions.find((p) => p.partition === Number(id)) : undefined;
      if (!partition) throw new IngestRequestError('partition-not-found', `topic "${topic.name}" has no partition ${id}`);
      res.type(type).status(200).send(JSON.stringify(describePartition(partition)));
    }),
  );

  return router;
}

/** The negotiated response type, or undefined when `Accept` allows none (406). */
function responseType(req: Request): string | undefined {
  if (!req.headers.accept) return REST_PROXY_RESPONSE_TYPES[0];
  return req.accepts(REST_PROXY_RESPONSE_TYPES) || undefined;
}

/** The REST Proxy's error answer `{ "error_code": …, "message": … }`, with `Retry-After` for 429 and 503. */
function sendRestProxyError(services: IngestServices, res: Response, error: unknown, type: string): void {
  if (!(error instanceof IngestRequestError)) {
    services.logger?.error({ err: error }, 'request failed');
    res.type(type).status(500).send(JSON.stringify({ error_code: 500, message: 'Internal Server Error' }));
    return;
  }
  if (error.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(error.retryAfterSeconds));
  res.type(type).status(error.status).send(JSON.stringify(restProxyErrorBody(error)));
}
