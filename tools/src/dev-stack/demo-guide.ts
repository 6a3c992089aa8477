import { relative } from 'node:path';
import { ORDER_PLACED, type SampleEncoder } from '../load/sample-schema';
import type { DevPipeline } from './start-dev-pipeline';
import { outageDrill } from './stack-kafka';

/** What the printout needs beyond the pipeline itself. */
export interface GuideContext {
  repoRoot: string;
  kafkaLabel: string;
  encoder: SampleEncoder;
}

/** `dir` relative to the repository when inside it (where `npm run` commands run), else absolute. */
const shortPath = (repoRoot: string, dir: string) => {
  const inside = relative(repoRoot, dir);
  return inside && !inside.startsWith('..') ? inside : dir;
};
const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;

/**
 * The text `npm run dev` prints once the pipeline is up: the gateway URL,
 * curl examples for each API, where the Parquet files land and how to query
 * them, the outage drills, and how to stop.
 */
export function demoGuide(pipeline: DevPipeline, context: GuideContext): string {
  const url = pipeline.gatewayUrl;
  const order = { orderId: 'ord-1', placedAtMs: String(Date.now()), customerId: 'c-9', items: [{ sku: 'SKU-4711', quantity: 2, unitPriceCents: 1250 }], totalCents: '2500', currency: 'EUR' };
  const orderBase64 = context.encoder.encode(ORDER_PLACED, order).toString('base64');
  const pageView = {
    id: 'pv-1',
    key: 'u-7',
    value: { url: 'https://shop.example/p/42', visitor: { userId: 'u-7', sessionId: 's-1', country: 'ID' }, tags: ['promo'], attributes: { ab: 'b' }, durationSeconds: 3.5, device: 'DEVICE_MOBILE' },
  };
  const archive = pipeline.archiveDir ? shortPath(context.repoRoot, pipeline.archiveDir) : pipeline.archiveUrl;
  const queryFlags = pipeline.archiveDir ? `--archive ${archive}` : `--archive ${pipeline.archiveUrl} --gcs-endpoint ${pipeline.stack.env.GCS_API_ENDPOINT}`;
  const notReady = pipeline.apps.filter((app) => !app.readiness.ready);
  return [
    '',
    '==================================================================================================',
    `The eventpath pipeline is running on ${context.kafkaLabel}.`,
    '',
    `  gateway          ${url}`,
    ...pipeline.apps.map(({ app, opsUrl, readiness }) => `  ${app.name.padEnd(16)} pid ${app.pid()}, ${opsUrl}/readyz /metrics${readiness.ready ? '' : `  NOT READY: ${readiness.detail}`}`),
    ...(notReady.length > 0 ? ['', `!!! not ready yet: ${notReady.map(({ app }) => app.name).join(', ')} (see its log lines above; events are still accepted)`] : []),
    '',
    'To run another app instance by hand against this stack:',
    `  export ${Object.entries({ ...pipeline.stack.env, ARCHIVE_URL: pipeline.archiveUrl })
      .map(([key, value]) => `${key}=${value}`)
      .join(' ')}`,
    '',
    'Topics: events (eventpath.example.PageViewed) and orders (eventpath.example.OrderPlaced), schema in',
    'apps/archiver/example/proto; the gateway turns JSON values into protobuf.',
    '',
    '# one event, native API (JSON)',
    `curl -s ${url}/v1/topics/events/events -H 'content-type: application/json' \\`,
    `  -d ${quote(JSON.stringify(pageView))}`,
    '# a batch',
    `curl -s ${url}/v1/topics/events/events -H 'content-type: application/json' \\`,
    `  -d ${quote(JSON.stringify({ events: [{ value: { url: 'https://shop.example/' } }, { key: 'u-8', value: { url: 'https://shop.example/cart', device: 'DEVICE_DESKTOP' } }] }))}`,
    '# NDJSON, one event per line',
    `printf '%s\\n' '{"value":{"url":"/a"}}' '{"value":{"url":"/b"}}' | curl -s ${url}/v1/topics/events/events -H 'content-type: application/x-ndjson' --data-binary @-`,
    '# one protobuf message (an encoded OrderPlaced), native API',
    `echo ${orderBase64} | base64 -d | curl -s ${url}/v1/topics/orders/events -H 'content-type: application/x-protobuf' -H 'x-event-id: ord-1' --data-binary @-`,
    '# Confluent REST Proxy v2: JSON records, and binary records (base64 protobuf)',
    `curl -s ${url}/topics/events -H 'content-type: application/vnd.kafka.json.v2+json' -d '{"records":[{"key":"u-7","value":{"url":"https://shop.example/help"}}]}'`,
    `curl -s ${url}/topics/orders -H 'content-type: application/vnd.kafka.binary.v2+json' -d '{"records":[{"value":"${orderBase64}"}]}'`,
    '# load: 200 events/s for 30 s in a mix of single and batch, JSON and protobuf requests',
    `npm run load -- --url ${url} --rate 200 --duration 30s`,
    '',
    `Parquet files land in ${archive}/<topic>/dt=YYYY-MM-DD/hr=HH/min=mm/ about a minute after the events`,
    '(one-minute windows, 5 s of grace, 5 s quiet; apps/archiver/example/archiver.dev.yaml). Query them:',
    `  npx tsx tools/src/dev-stack/query-archive.ts ${queryFlags}`,
    `  npx tsx tools/src/dev-stack/query-archive.ts ${queryFlags} "SELECT __event_id, event_time, url, visitor.country FROM events ORDER BY __kafka_timestamp DESC LIMIT 10"`,
    ...(pipeline.archiveDir ? [`  duckdb -c "SELECT count(*), min(__kafka_timestamp), max(__kafka_timestamp) FROM read_parquet('${archive}/events/**/*.parquet')"   (with the duckdb CLI)`] : []),
    '',
    outageDrill('Fronting', pipeline.stack.fronting) + '   (the gateway fails over to Redis)',
    outageDrill('Mainstream', pipeline.stack.mainstream) + '   (the worker pauses; lag grows)',
    `Failover stream depth: redis-cli -u ${pipeline.stack.env.REDIS_URL} XLEN 'eventpath:failover:{events}'`,
    `Inspect Kafka with kcat: kcat -b ${pipeline.stack.fronting.bootstrap} -L`,
    '',
    'An app that dies is restarted after 1 s; one that dies 6 times within 2 minutes stops everything.',
    'Ctrl-C stops the apps, then the infrastructure.',
    '==================================================================================================',
    '',
  ].join('\n');
}
