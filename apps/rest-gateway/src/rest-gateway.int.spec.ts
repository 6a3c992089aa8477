import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { PassThrough } from 'node:stream';
import { createLogger, ConfigError } from '@eventpath/runtime';
import { startRedis, useTestKafka, type DevRedis, type TestKafka } from '@eventpath/dev-infra';
import { loadRestGatewayConfig } from './config';
import { loadGatewayConfigFile } from './gateway-config-file';
import { createRestGateway } from './rest-gateway';
import { gatewayEnv, startGatewayUnderTest } from './test-support/gateway-under-test';
import { postEvents, request, type NativeAnswer } from './test-support/http-client';
import { idsInTopic } from './test-support/read-back';

describe('rest-gateway start-up, operations endpoints and stop', () => {
  let kafka: TestKafka;
  let redis: DevRedis;

  beforeAll(async () => {
    [kafka, redis] = await Promise.all([useTestKafka(), startRedis()]);
  }, 120_000);
  afterAll(async () => {
    await redis?.stop();
    await kafka?.release();
  });

  it('starts from configuration, warns that it runs open without GATEWAY_CONFIG, and serves /healthz, /readyz and /metrics', async () => {
    const topic = await kafka.createUniqueTopic('startup', 2);
    const lines = new PassThrough();
    const logged: Array<{ level: number; msg: string }> = [];
    lines.on('data', (chunk: Buffer) => chunk.toString().split('\n').filter(Boolean).forEach((line) => logged.push(JSON.parse(line))));
    const logger = createLogger({ name: 'rest-gateway', level: 'info', destination: lines });
    const app = await createRestGateway(loadRestGatewayConfig(gatewayEnv({ bootstrap: kafka.bootstrap, redisUrl: redis.url })), logger);
    try {
      expect(logged.some((line) => line.level === 40 && /gateway is open/.test(line.msg))).toBe(true);
      expect((await request(`${app.opsUrl}/healthz`)).status).toBe(200);
      const ready = await request<{ status: string }>(`${app.opsUrl}/readyz`);
      expect(ready.status).toBe(200);
      const answer = await postEvents<NativeAnswer>(app.httpUrl, topic, { value: { hello: 'world' } });
      expect(answer.status).toBe(200);
      expect(answer.body.results[0].status).toBe('kafka');
      const metrics = (await request(`${app.opsUrl}/metrics`)).text;
      expect(metrics).toContain('app="rest-gateway"');
      expect(metrics).toMatch(new RegExp(`eventpath_gateway_events_total\\{topic="${topic}",destination="kafka",app="rest-gateway"\\} 1`));
      expect(metrics).toMatch(/eventpath_gateway_requests_total\{route="native",status="200",app="rest-gateway"\} 1/);
      expect(metrics).toMatch(/eventpath_gateway_request_duration_seconds_bucket\{le="[^"]+",app="rest-gateway",route="native"\}/);
      expect(metrics).toMatch(/eventpath_gateway_circuit_state\{app="rest-gateway"\} 0/);
      expect(metrics).toMatch(new RegExp(`eventpath_gateway_failover_stream_depth\\{topic="${topic}",app="rest-gateway"\\} 0`));
    } finally {
      await app.stop();
    }
    await expect(app.done).resolves.toBeUndefined();
  });

  it('on stop answers the requests in flight, flushes them to Kafka, then refuses new connections', async () => {
    const topic = await kafka.createUniqueTopic('stop', 2);
    const app = await startGatewayUnderTest({ bootstrap: kafka.bootstrap, redisUrl: redis.url, env: { FRONTING_LINGER_MS: '50' } });
    const inFlight = Array.from({ length: 20 }, (_, i) => postEvents<NativeAnswer>(app.httpUrl, topic, { id: `stop-${i}`, value: i }));
    // Let the requests reach the server before the stop begins.
    await new Promise((resolve) => setImmediate(resolve));
    const stopped = app.stop();
    const answers = await Promise.allSettled(inFlight);
    await stopped;
    const acknowledged = answers.flatMap((a) => (a.status === 'fulfilled' && a.value.status === 200 ? a.value.body.results.map((r) => r.id) : []));
    expect(answers.every((a) => a.status === 'rejected' || a.value.status === 200)).toBe(true);
    const stored = await idsInTopic(kafka.bootstrap, topic);
    for (const id of acknowledged) expect(stored).toContain(id);
    await expect(fetch(`${app.httpUrl}/v1/topics`)).rejects.toThrow();
  });

  it('serves the ingest API over TLS with TLS_CERT_FILE and TLS_KEY_FILE', async () => {
    const topic = await kafka.createUniqueTopic('tls', 1);
    const dir = mkdtempSync(join(tmpdir(), 'gateway-tls-'));
    const [cert, key] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const app = await startGatewayUnderTest({ bootstrap: kafka.bootstrap, redisUrl: redis.url, env: { TLS_CERT_FILE: cert, TLS_KEY_FILE: key } });
    try {
      expect(app.httpUrl).toMatch(/^https:/);
      const answer = await new Promise<{ status: number; body: NativeAnswer }>((resolve, reject) => {
        const req = httpsRequest(`${app.httpUrl}/v1/topics/${topic}/events`, { method: 'POST', ca: readFileSync(cert), headers: { 'content-type': 'application/json' } }, (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as NativeAnswer }));
        });
        req.on('error', reject);
        req.end(JSON.stringify({ id: 'over-tls', value: 1 }));
      });
      expect([answer.status, answer.body.results[0].status]).toEqual([200, 'kafka']);
      // Plain HTTP on the TLS port gets no answer.
      await expect(fetch(app.httpUrl.replace('https:', 'http:'))).rejects.toThrow();
    } finally {
      await app.stop();
    }
  });

  it('refuses wrong environment variables with one message naming each', () => {
    const load = () => loadRestGatewayConfig({ OPS_PORT: 'eighty', FRONTING_SEND_TIMEOUT_MS: '-1', FRONTING_KAFKA_SASL_MECHANISM: 'plain' });
    expect(load).toThrow(ConfigError);
    expect(problemKeys(load)).toEqual(expect.arrayContaining(['OPS_PORT', 'REDIS_URL', 'FRONTING_SEND_TIMEOUT_MS', 'FRONTING_KAFKA_BROKERS']));
    expect(load).toThrow(/OPS_PORT: must be a port number \(got "eighty"\)/);
    // Rules spanning keys are checked once every key is valid on its own.
    const base = gatewayEnv({ bootstrap: 'localhost:1', redisUrl: 'redis://localhost:1' });
    expect(() => loadRestGatewayConfig({ ...base, TLS_CERT_FILE: '/x.pem' })).toThrow(/TLS_KEY_FILE: is required when TLS_CERT_FILE is set/);
    expect(() => loadRestGatewayConfig({ ...base, FRONTING_KAFKA_SASL_MECHANISM: 'plain' })).toThrow(/FRONTING_KAFKA_SASL_USERNAME: is required/);
  });

  it('refuses a GATEWAY_CONFIG file with wrong keys, naming each by its path in the file', () => {
    const env = gatewayEnv({
      bootstrap: 'localhost:1',
      redisUrl: 'redis://localhost:1',
      file: {
        topics: { 'ok-topic': null, 'bad topic': {}, 'with-schema': { messageType: 'x.Y' } },
        apiKeys: [
          { name: 'a', sha256: 'not-a-hash', topics: ['ok-topic'] },
          { name: 'a', sha256: 'a'.repeat(64), topics: ['bad*prefix*'], rateLimit: { eventsPerSecond: 0 } },
        ],
        limits: { maxEventBytes: -5, unknownLimit: 1 },
      } as never,
    });
    const keys = problemKeys(() => loadRestGatewayConfig(env));
    expect(keys).toEqual(
      expect.arrayContaining([
        'GATEWAY_CONFIG topics.bad topic',
        'GATEWAY_CONFIG apiKeys[0].sha256',
        'GATEWAY_CONFIG apiKeys[1].topics[0]',
        'GATEWAY_CONFIG apiKeys[1].rateLimit.eventsPerSecond',
        'GATEWAY_CONFIG limits.maxEventBytes',
        'GATEWAY_CONFIG limits',
      ]),
    );
    expect(() => loadRestGatewayConfig(env)).toThrow(/apiKeys\[0\]\.sha256: must be the SHA-256 of the key/);
    // Rules spanning keys are checked once every key is valid on its own.
    const crossKey = gatewayEnv({
      bootstrap: 'localhost:1',
      redisUrl: 'redis://localhost:1',
      file: { topics: { 'with-schema': { messageType: 'x.Y' } }, apiKeys: [0, 1].map(() => ({ name: 'a', sha256: 'a'.repeat(64), topics: ['*'] })) },
    });
    expect(problemKeys(() => loadRestGatewayConfig(crossKey))).toEqual(
      expect.arrayContaining(['GATEWAY_CONFIG topics.with-schema.messageType', 'GATEWAY_CONFIG apiKeys[1].name', 'GATEWAY_CONFIG apiKeys[1].sha256']),
    );
  });

  it('refuses a GATEWAY_CONFIG that cannot be read or parsed', () => {
    const base = gatewayEnv({ bootstrap: 'localhost:1', redisUrl: 'redis://localhost:1' });
    expect(() => loadRestGatewayConfig({ ...base, GATEWAY_CONFIG: '/no/such/gateway.yaml' })).toThrow(/GATEWAY_CONFIG: cannot read \/no\/such\/gateway.yaml/);
    const broken = gatewayEnv({ bootstrap: 'localhost:1', redisUrl: 'redis://localhost:1', file: {} });
    writeFileSync(broken['GATEWAY_CONFIG'], 'topics: [unclosed');
    expect(() => loadRestGatewayConfig(broken)).toThrow(/GATEWAY_CONFIG: is not valid YAML or JSON/);
  });
});

describe('the example deployment configuration', () => {
  it('holds a GATEWAY_CONFIG file and environment the gateway accepts', () => {
    const [env, file] = parseAllDocuments(readFileSync(join(__dirname, '..', 'deploy', 'kubernetes', 'configmap.yaml'), 'utf8')).map(
      (doc) => doc.toJS() as { data: Record<string, string> },
    );
    const path = join(mkdtempSync(join(tmpdir(), 'example-config-')), 'gateway.yaml');
    writeFileSync(path, file.data['gateway.yaml']);
    const parsed = loadGatewayConfigFile(path);
    expect(Object.keys(parsed.topics ?? {})).toEqual(['ride-booked', 'page-views']);
    expect(() => loadRestGatewayConfig({ ...env.data, GATEWAY_CONFIG: path, REDIS_URL: 'redis://redis:6379' })).not.toThrow();
  });
});

function problemKeys(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => p.key);
    throw error;
  }
  throw new Error('expected a ConfigError');
}
