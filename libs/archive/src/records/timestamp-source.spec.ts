import { TimestampSource } from './timestamp-source';

const ms = Date.parse('2024-05-01T13:45:12.345Z');

describe('TimestampSource', () => {
  it('reads the Kafka record timestamp', () => {
    expect(new TimestampSource({ kind: 'kafka' }).read({}, String(ms))).toEqual({ ok: true, ms });
    expect(new TimestampSource({ kind: 'kafka' }).read({}, '-1')).toEqual({ ok: false, reason: expect.stringMatching(/no timestamp/) });
  });

  it('reads a google.protobuf.Timestamp field, nested by dots', () => {
    const source = new TimestampSource({ kind: 'field', path: 'meta.created_at' });
    expect(source.read({ meta: { created_at: { seconds: BigInt(Math.floor(ms / 1000)), nanos: 345_678_901 } } }, '0')).toEqual({ ok: true, ms });
  });

  it('reads integer epochs in the configured unit', () => {
    expect(new TimestampSource({ kind: 'field', path: 't' }).read({ t: BigInt(ms) }, '0')).toEqual({ ok: true, ms });
    expect(new TimestampSource({ kind: 'field', path: 't', unit: 'seconds' }).read({ t: 1714571112n }, '0')).toEqual({ ok: true, ms: 1714571112000 });
    expect(new TimestampSource({ kind: 'field', path: 't', unit: 'micros' }).read({ t: BigInt(ms) * 1000n + 999n }, '0')).toEqual({ ok: true, ms });
    expect(new TimestampSource({ kind: 'field', path: 't', unit: 'nanos' }).read({ t: BigInt(ms) * 1_000_000n }, '0')).toEqual({ ok: true, ms });
    expect(new TimestampSource({ kind: 'field', path: 't', unit: 'seconds' }).read({ t: 1714571112 }, '0')).toEqual({ ok: true, ms: 1714571112000 });
  });

  it('reads RFC 3339 strings with offsets', () => {
    const source = new TimestampSource({ kind: 'field', path: 't' });
    expect(source.read({ t: '2024-05-01T13:45:12.345Z' }, '0')).toEqual({ ok: true, ms });
    expect(source.read({ t: '2024-05-01T20:45:12.345+07:00' }, '0')).toEqual({ ok: true, ms });
    expect(source.read({ t: 'yesterday' }, '0')).toEqual({ ok: false, reason: expect.stringMatching(/not an RFC 3339 timestamp/) });
    expect(source.read({ t: '2024-05-01' }, '0').ok).toBe(false);
  });

  it('treats unset fields and zero as missing, with a reason naming the field', () => {
    const source = new TimestampSource({ kind: 'field', path: 'a.b' });
    expect(source.read({}, '0')).toEqual({ ok: false, reason: 'missing: field a.b is not set' });
    expect(source.read({ a: { b: 0n } }, '0')).toEqual({ ok: false, reason: 'missing: field a.b is 0 (unset)' });
    expect(source.read({ a: { b: { seconds: 0n, nanos: 0 } } }, '0').ok).toBe(false);
    expect(source.read({ a: { b: true } }, '0')).toEqual({ ok: false, reason: expect.stringMatching(/not a Timestamp/) });
  });

  it('falls back to the Kafka timestamp when told to', () => {
    const source = new TimestampSource({ kind: 'field', path: 't', whenMissing: 'kafka' });
    expect(source.read({}, String(ms))).toEqual({ ok: true, ms });
    // A malformed value is not missing: it is still refused.
    expect(source.read({ t: 'garbage' }, String(ms)).ok).toBe(false);
  });

  it('refuses instants outside the years 0001-9999', () => {
    expect(new TimestampSource({ kind: 'field', path: 't', unit: 'seconds' }).read({ t: 999_999_999_999n }, '0')).toEqual({ ok: false, reason: expect.stringMatching(/outside the years/) });
  });
});
