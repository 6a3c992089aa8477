import { startRedis, type DevRedis } from '@eventpath/dev-infra';
import Redis from 'ioredis';
import { InvalidFailoverEventError } from '../errors';
import { APPEND_SCRIPT } from './append-script';
import { FailoverStreamReader } from './failover-stream-reader';
import { FailoverStreamWriter } from './failover-stream-writer';
import { runScript } from './run-script';
import { failoverStreamKeys } from './stream-keys';

describe('failover stream append', () => {
  let server: DevRedis;
  let redis: Redis;
  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });

  it('stores id, key, value bytes, headers and timestamp of each event under the documented key', async () => {
    const writer = new FailoverStreamWriter(redis, { maxEntriesPerStream: 100 });
    const binary = Buffer.from([0, 255, 10, 13, 0x80]);
    const ids = await writer.append('orders.v1', [
      { id: 'e-1', key: 'customer-7', value: binary, headers: { 'content-type': 'application/x-protobuf', raw: Buffer.from([1, 2]) }, timestamp: 1_700_000_000_123 },
      { id: 'e-2', value: 'plain text', timestamp: 1_700_000_000_456 },
    ]);
    expect(ids).toHaveLength(2);
    expect(await redis.xlen('eventpath:failover:{orders.v1}')).toBe(2);

    const reader = new FailoverStreamReader(redis, 'orders.v1', { consumer: 'c1', blockMs: 0 });
    const [first, second] = await reader.read();
    expect(first).toMatchObject({ streamId: ids[0], id: 'e-1', timestamp: 1_700_000_000_123 });
    expect(first.key?.toString()).toBe('customer-7');
    expect(first.value.equals(binary)).toBe(true);
    expect(first.headers['content-type'].toString()).toBe('application/x-protobuf');
    expect(first.headers.raw.equals(Buffer.from([1, 2]))).toBe(true);
    expect(second).toMatchObject({ streamId: ids[1], id: 'e-2', key: null, headers: {}, timestamp: 1_700_000_000_456 });
    expect(second.value.toString()).toBe('plain text');
  });

  it('leaves nothing written when the script fails on an event in the middle of a call', async () => {
    const keys = failoverStreamKeys('atomic');
    const writer = new FailoverStreamWriter(redis, { maxEntriesPerStream: 100, maxBytesPerStream: 10_000 });
    await writer.append('atomic', [{ id: 'before', value: 'x' }]);
    const bytesBefore = await redis.get(keys.bytes);

    // Two well-formed events, then one whose field list is cut short: executed
    // write by write, the first two XADDs would have happened before the error.
    const wellFormed = (id: string) => [4, 'id', id, 'ts', '1', 'v', 'value', 'n', '6'];
    const args = [100, 10_000, 3, 18, ...wellFormed('a'), ...wellFormed('b'), 3, 'id', 'c', 'ts'];
    await expect(runScript(redis, APPEND_SCRIPT, [keys.stream, keys.bytes], args)).rejects.toThrow(/EVENTPATH_BAD_APPEND event 3/);

    expect(await redis.xlen(keys.stream)).toBe(1);
    expect(await redis.get(keys.bytes)).toBe(bytesBefore);
  });

  it('refuses a call with an invalid event before anything reaches Redis', async () => {
    const writer = new FailoverStreamWriter(redis, { maxEntriesPerStream: 100 });
    await expect(
      writer.append('validated', [
        { id: 'ok', value: 'x' },
        { id: '', value: 'no id' },
      ]),
    ).rejects.toBeInstanceOf(InvalidFailoverEventError);
    expect(await redis.exists(failoverStreamKeys('validated').stream)).toBe(0);
  });

  it('rejects topic names that would break the hash tag', () => {
    expect(() => failoverStreamKeys('a}b')).toThrow(TypeError);
    expect(failoverStreamKeys('orders.v1')).toEqual({
      stream: 'eventpath:failover:{orders.v1}',
      bytes: 'eventpath:failover:{orders.v1}:bytes',
    });
  });
});
