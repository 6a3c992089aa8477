import { seededRandom, startRedis, type DevRedis } from '@eventpath/dev-infra';
import Redis from 'ioredis';
import { InvalidFailoverEventError } from '../errors';
import { APPEND_SCRIPT } from './append-script';
import { MAX_HEADERS_PER_EVENT, type FailoverEvent } from './failover-event';
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

  const manyHeaders = (count: number, valueBytes = 1) =>
    Object.fromEntries(Array.from({ length: count }, (_, i) => [`x-${i}`, 'v'.repeat(valueBytes)]));

  /** Stream length and byte counter of a topic, to show a refused call changed neither. */
  const state = async (topic: string) => {
    const keys = failoverStreamKeys(topic);
    return { length: await redis.xlen(keys.stream), bytes: Number((await redis.get(keys.bytes)) ?? 0) };
  };

  it('refuses a call whose third event has thousands of headers before writing any of it, naming the event and the field', async () => {
    const writer = new FailoverStreamWriter(redis, { maxEntriesPerStream: 100 });
    const call = writer.append('many-headers', [
      { id: 'a', value: 'x' },
      { id: 'b', value: 'y' },
      { id: 'c', value: 'z', headers: manyHeaders(5000) },
    ]);
    await expect(call).rejects.toBeInstanceOf(InvalidFailoverEventError);
    await expect(call).rejects.toMatchObject({ eventIndex: 2, field: 'headers' });
    await expect(call).rejects.toThrow(/event 2 \(id "c"\): headers: 5000 headers, more than maxHeadersPerEvent 1000/);
    expect(await state('many-headers')).toEqual({ length: 0, bytes: 0 });
  });

  it('stores and reads back an event with the most headers an event may have', async () => {
    const writer = new FailoverStreamWriter(redis, { maxEntriesPerStream: 100, maxHeadersPerEvent: MAX_HEADERS_PER_EVENT });
    const headers = manyHeaders(MAX_HEADERS_PER_EVENT, 3);
    await writer.append('most-headers', [{ id: 'first', value: 'x' }, { id: 'full', key: 'k', value: 'y', headers }]);
    const [, full] = await new FailoverStreamReader(redis, 'most-headers', { consumer: 'c', blockMs: 0 }).read();
    expect(Object.keys(full.headers)).toHaveLength(MAX_HEADERS_PER_EVENT);
    expect(full.headers['x-1999'].toString()).toBe('vvv');
    expect(() => new FailoverStreamWriter(redis, { maxEntriesPerStream: 1, maxHeadersPerEvent: MAX_HEADERS_PER_EVENT + 1 })).toThrow(RangeError);
  });

  it('refuses, in the script itself, an event with more fields than one XADD can take, leaving the call unwritten', async () => {
    const keys = failoverStreamKeys('script-fields');
    const fields = (id: string, extraPairs: number) => [
      4 + extraPairs, 'id', id, 'ts', '1', 'v', 'v', 'n', '2',
      ...Array.from({ length: extraPairs }, (_, i) => [`h:${i}`, 'v']).flat(),
    ];
    const args = [100, 0, 2, 4, ...fields('a', 0), ...fields('b', 4000)];
    await expect(runScript(redis, APPEND_SCRIPT, [keys.stream, keys.bytes], args)).rejects.toThrow(/EVENTPATH_BAD_APPEND event 2 has 4004 fields/);
    expect(await state('script-fields')).toEqual({ length: 0, bytes: 0 });
  });

  it.each<[string, Partial<FailoverEvent>, string, RegExp]>([
    ['a value over maxEventBytes', { value: Buffer.alloc(1001) }, 'event', /1006 bytes \(id, key, value and headers\), more than maxEventBytes 1000/],
    ['headers pushing the event over maxEventBytes', { headers: manyHeaders(12, 95) }, 'event', /more than maxEventBytes 1000/],
    ['one header over maxHeaderBytes', { headers: { ok: 'v', big: 'v'.repeat(98) } }, 'headers.big', /header "big": 101 bytes, more than maxHeaderBytes 100/],
    ['a header that is not a Buffer or string', { headers: { n: 7 as unknown as string } }, 'headers.n', /Buffer or a string/],
    ['a key that is not a Buffer or string', { key: 7 as unknown as string }, 'key', /key: must be a Buffer, a string, null or unset/],
    ['an empty id', { id: '' }, 'id', /non-empty string/],
    ['a fractional timestamp', { timestamp: 1.5 }, 'timestamp', /epoch milliseconds/],
  ])('refuses %s with the event index and field, writing nothing', async (_, change, field, message) => {
    const writer = new FailoverStreamWriter(redis, { maxEntriesPerStream: 100, maxEventBytes: 1000, maxHeaderBytes: 100 });
    const call = writer.append('limits', [{ id: 'ok', value: 'x' }, { id: 'bad-1', value: 'x', ...change }]);
    await expect(call).rejects.toMatchObject({ name: 'InvalidFailoverEventError', eventIndex: 1, field });
    await expect(call).rejects.toThrow(message);
    expect(await state('limits')).toEqual({ length: 0, bytes: 0 });
  });

  it('stores a random call whole or not at all, and counts exactly the bytes it stored (seeded)', async () => {
    const random = seededRandom(14);
    const pick = (n: number) => Math.floor(random() * n);
    const writer = new FailoverStreamWriter(redis, { maxEntriesPerStream: 100_000, maxEventBytes: 64 * 1024, maxHeaderBytes: 1024 });
    const outcomes = { stored: 0, refused: 0 };
    for (let call = 0; call < 40; call++) {
      const events: FailoverEvent[] = Array.from({ length: 1 + pick(4) }, (_, i) => ({
        id: `c${call}-${i}`,
        key: random() < 0.5 ? `key-${i}` : null,
        value: Buffer.alloc(pick(70 * 1024)),
        headers: manyHeaders(random() < 0.1 ? pick(6000) : pick(20), 1 + pick(random() < 0.05 ? 2000 : 30)),
      }));
      const before = await state('random');
      const added = await writer.append('random', events).then(
        () => events.length,
        (error: unknown) => {
          expect(error).toBeInstanceOf(InvalidFailoverEventError);
          return 0;
        },
      );
      const after = await state('random');
      outcomes[added > 0 ? 'stored' : 'refused']++;
      expect(after.length).toBe(before.length + added);
      const stored = added > 0 ? await redis.xrevrange(failoverStreamKeys('random').stream, '+', '-', 'COUNT', added) : [];
      const storedBytes = stored.reduce((sum, [, f]) => sum + Number(f[f.indexOf('n') + 1]), 0);
      expect(after.bytes).toBe(before.bytes + storedBytes);
    }
    expect(outcomes.stored).toBeGreaterThan(5);
    expect(outcomes.refused).toBeGreaterThan(5);
  });

  it('rejects topic names that would break the hash tag', () => {
    expect(() => failoverStreamKeys('a}b')).toThrow(TypeError);
    expect(failoverStreamKeys('orders.v1')).toEqual({
      stream: 'eventpath:failover:{orders.v1}',
      bytes: 'eventpath:failover:{orders.v1}:bytes',
    });
  });
});
