import { DEFAULT_INGEST_LIMITS } from '../events/ingest-limits';
import { refusal } from '../test-support/problems';
import { nativeBodyKind, parseNativeBody, type NativeBodyOptions } from './native-request-body';

const options = (overrides: Partial<NativeBodyOptions> = {}): NativeBodyOptions => ({
  hasSchema: false,
  limits: DEFAULT_INGEST_LIMITS,
  header: () => undefined,
  ...overrides,
});
const json = (body: unknown) => Buffer.from(JSON.stringify(body));

describe('parseNativeBody', () => {
  it('reads one event object or a batch of them, with every optional field', () => {
    const [single] = parseNativeBody(json({ value: { a: 1 } }), 'application/json; charset=utf-8', options());
    expect(single).toEqual({ id: undefined, key: null, value: { json: { a: 1 } }, headers: undefined, timestamp: undefined });
    const batch = parseNativeBody(
      json({ events: [{ value: 1, id: 'e1', key: 'k', headers: { h: 'v' }, timestamp: 5 }, { value: 'two', timestamp: '1970-01-01T00:00:01.5Z' }] }),
      'application/json',
      options(),
    );
    expect(batch).toEqual([
      { id: 'e1', key: Buffer.from('k'), value: { json: 1 }, headers: { h: 'v' }, timestamp: 5 },
      { id: undefined, key: null, value: { json: 'two' }, headers: undefined, timestamp: 1500 },
    ]);
  });

  it('reads NDJSON, one event per non-blank line, numbering events by line', () => {
    const events = parseNativeBody(Buffer.from('{"value":1}\r\n\n{"value":2,"key":null}\n'), 'application/x-ndjson', options());
    expect(events.map((e) => e.value)).toEqual([{ json: 1 }, { json: 2 }]);
    const error = refusal(() => parseNativeBody(Buffer.from('{"value":1}\n\n{"value":}\n{"nope":1}'), 'application/x-ndjson', options()));
    expect(error.problems).toEqual([
      { index: 1, message: expect.stringMatching(/line is not valid JSON/) },
      { index: 2, id: undefined, field: 'nope', message: expect.stringMatching(/unknown field/) },
      { index: 2, id: undefined, field: 'value', message: 'is required' },
    ]);
    expect(error.message).toMatch(/^event 1: line is not valid JSON.* \(and 2 more problems\)$/);
  });

  it('reads a raw body as one value, its id, key and time from X-Event-* headers', () => {
    const headers: Record<string, string> = { 'x-event-id': 'raw-1', 'x-event-key': 'k', 'x-event-timestamp': '2024-01-01T00:00:00Z' };
    const [event] = parseNativeBody(Buffer.from([1, 2]), 'application/x-protobuf', options({ hasSchema: true, header: (name) => headers[name] }));
    expect(event).toEqual({ id: 'raw-1', key: Buffer.from('k'), value: { bytes: Buffer.from([1, 2]) }, headers: undefined, timestamp: Date.parse('2024-01-01T00:00:00Z') });
    const bad = refusal(() => parseNativeBody(Buffer.from([1]), 'application/octet-stream', options({ header: (name) => (name === 'x-event-timestamp' ? 'soon' : undefined) })));
    expect(bad.problems[0]).toMatchObject({ field: 'x-event-timestamp' });
  });

  it('names each problem by event index and field, and refuses the whole request', () => {
    const error = refusal(() =>
      parseNativeBody(
        json({ events: [{ value: 1 }, { id: 'b', value: null, headers: { 'EventPath-Event-Id': 'x', ok: 2 }, key: 3, timestamp: 1.5 }] }),
        'application/json',
        options(),
      ),
    );
    expect(error.kind).toBe('bad-request');
    expect(error.status).toBe(400);
    expect(error.problems).toEqual([
      { index: 1, id: 'b', field: 'value', message: 'must not be null' },
      { index: 1, id: 'b', field: 'key', message: 'must be a string or null, got number 3' },
      { index: 1, id: 'b', field: 'headers.EventPath-Event-Id', message: expect.stringMatching(/reserved/) },
      { index: 1, id: 'b', field: 'headers.ok', message: 'must be a string, got number 2' },
      { index: 1, id: 'b', field: 'timestamp', message: expect.stringMatching(/epoch milliseconds/) },
    ]);
  });

  it('refuses malformed and empty bodies, and bodies over the event count limit', () => {
    expect(refusal(() => parseNativeBody(Buffer.from('{'), 'application/json', options())).message).toMatch(/not valid JSON/);
    expect(refusal(() => parseNativeBody(Buffer.alloc(0), 'application/json', options())).message).toBe('the request body is empty');
    expect(refusal(() => parseNativeBody(Buffer.from('\n\n'), 'application/x-ndjson', options())).message).toMatch(/holds no events/);
    expect(refusal(() => parseNativeBody(json({ events: [], extra: 1 }), 'application/json', options())).message).toMatch(/extra: unknown field/);
    const limits = { ...DEFAULT_INGEST_LIMITS, maxEventsPerRequest: 2 };
    const tooMany = refusal(() => parseNativeBody(json({ events: [{ value: 1 }, { value: 2 }, { value: 3 }] }), 'application/json', options({ limits })));
    expect([tooMany.status, tooMany.kind]).toEqual([413, 'payload-too-large']);
    expect(refusal(() => parseNativeBody(Buffer.from('{"value":1}\n'.repeat(3)), 'application/x-ndjson', options({ limits }))).status).toBe(413);
  });
});

describe('nativeBodyKind', () => {
  it('knows JSON, NDJSON and raw bodies, and refuses other types with 415', () => {
    expect(nativeBodyKind('application/json', false)).toBe('json');
    expect(nativeBodyKind('Application/X-NDJSON; charset=utf-8', false)).toBe('ndjson');
    expect(nativeBodyKind('application/octet-stream', false)).toBe('raw');
    expect(nativeBodyKind('application/x-protobuf', true)).toBe('raw');
    expect(refusal(() => nativeBodyKind('application/x-protobuf', false)).message).toMatch(/no protobuf schema/);
    expect(refusal(() => nativeBodyKind('text/csv', false)).status).toBe(415);
    expect(refusal(() => nativeBodyKind(undefined, false)).message).toMatch(/^no content type/);
  });
});
