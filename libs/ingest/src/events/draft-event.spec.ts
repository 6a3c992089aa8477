import { plainValueCodec, ValueError, type ValueCodec } from '../values/value-codec';
import { refusal } from '../test-support/problems';
import { prepareEvents } from './draft-event';
import { DEFAULT_INGEST_LIMITS } from './ingest-limits';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('prepareEvents', () => {
  it('gives each event its id (the producer’s or a UUIDv7), the gateway headers, its time and its size', () => {
    const [given, generated] = prepareEvents(
      [
        { id: 'e-1', key: Buffer.from('k'), value: { json: { a: 1 } }, headers: { trace: 't' }, timestamp: 7 },
        { key: null, value: { bytes: Buffer.from([1, 2, 3]) } },
      ],
      plainValueCodec,
      DEFAULT_INGEST_LIMITS,
      1000,
    );
    expect(given.id).toBe('e-1');
    expect(given.value.toString()).toBe('{"a":1}');
    expect(given.timestamp).toBe(7);
    expect(Object.fromEntries(Object.entries(given.headers).map(([n, v]) => [n, v.toString()]))).toEqual({
      trace: 't',
      'eventpath-event-id': 'e-1',
      'eventpath-content-type': 'application/json',
      'eventpath-ingest-time': '1000',
    });
    // id + key + value + header names and values
    expect(given.bytes).toBe(3 + 1 + 7 + Object.entries(given.headers).reduce((sum, [n, v]) => sum + n.length + v.length, 0));
    expect(generated.id).toMatch(UUID_V7);
    expect(generated.timestamp).toBe(1000);
    expect(generated.headers['eventpath-content-type'].toString()).toBe('application/octet-stream');
  });

  it('refuses the whole request on any problem: 422 when only values fail, 413 when only sizes, 400 otherwise', () => {
    const failing: ValueCodec = {
      fromJson: (value) => {
        if (value === 'bad') throw new ValueError('items[3].price', 'shop.Order: expected a number');
        return plainValueCodec.fromJson(value);
      },
      fromBytes: plainValueCodec.fromBytes,
    };
    const invalid = refusal(() => prepareEvents([{ key: null, value: { json: 1 } }, { id: 'x', key: null, value: { json: 'bad' } }], failing, DEFAULT_INGEST_LIMITS, 0));
    expect([invalid.status, invalid.problems]).toEqual([422, [{ index: 1, id: 'x', field: 'value.items[3].price', message: 'shop.Order: expected a number' }]]);

    const limits = { ...DEFAULT_INGEST_LIMITS, maxEventBytes: 200 };
    const large = refusal(() => prepareEvents([{ key: null, value: { bytes: Buffer.alloc(300) } }], plainValueCodec, limits, 0));
    expect([large.status, large.problems[0].message]).toEqual([413, expect.stringMatching(/more than the limit of 200/)]);

    const mixed = refusal(() =>
      prepareEvents(
        [
          { id: 'a', key: null, value: { json: 1 } },
          { id: 'a', key: null, value: { json: 2 } },
          { id: 'has space', key: null, value: { json: 3 } },
          { key: null, value: { json: 'bad' } },
        ],
        failing,
        DEFAULT_INGEST_LIMITS,
        0,
      ),
    );
    expect(mixed.status).toBe(400);
    expect(mixed.problems.map((p) => [p.index, p.field])).toEqual([
      [1, 'id'],
      [2, 'id'],
      [3, 'value.items[3].price'],
    ]);
  });

  it('refuses more events than the request limit before converting any', () => {
    const error = refusal(() => prepareEvents([{ key: null, value: { json: 1 } }, { key: null, value: { json: 2 } }], plainValueCodec, { ...DEFAULT_INGEST_LIMITS, maxEventsPerRequest: 1 }, 0));
    expect([error.status, error.message]).toEqual([413, 'the request has 2 events, more than the limit of 1 events per request']);
  });
});
