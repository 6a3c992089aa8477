import { join } from 'node:path';
import { UPDATES_DIR, readProtoFiles } from '../test-support/fixtures';
import { findIncompatibilities } from './compatibility';
import { schemaSetFromProtoFiles } from './model-from-proto-files';
import type { SchemaSet } from './schema-model';

const load = (version: string) => schemaSetFromProtoFiles(readProtoFiles(join(UPDATES_DIR, version)));
const lookup = (set: SchemaSet) => (name: string) => (set.message(name) ? set : undefined);
const fromText = (text: string) => schemaSetFromProtoFiles(new Map([['m.proto', `syntax = "proto3"; package p; ${text}`]]));

describe('findIncompatibilities', () => {
  it('accepts added fields and added types', () => {
    expect(findIncompatibilities(lookup(load('v1')), lookup(load('v2')), ['eventpath.updates.RideBooked'])).toEqual([]);
  });

  it('reports a renumbered field and a field whose type changed in a nested message', () => {
    const found = findIncompatibilities(lookup(load('v1')), lookup(load('incompatible')), ['eventpath.updates.RideBooked']);
    expect(found.map((problem) => problem.reason)).toEqual([
      'eventpath.updates.RideBooked.fare_cents changed number from 2 to 5',
      'eventpath.updates.Rider field 1 (rider_id) changed type from string to int64',
    ]);
    expect(found.every((problem) => problem.messageType === 'eventpath.updates.RideBooked')).toBe(true);
  });

  it('reports a removed type only when it is in use', () => {
    const before = fromText('message A { int32 x = 1; } message B { int32 y = 1; }');
    const after = fromText('message A { int32 x = 1; }');
    expect(findIncompatibilities(lookup(before), lookup(after), ['p.A'])).toEqual([]);
    expect(findIncompatibilities(lookup(before), lookup(after), ['p.A', 'p.B'])).toEqual([
      { messageType: 'p.B', reason: 'message type p.B was removed' },
    ]);
  });

  it('treats a cardinality change as a type change and a removed field as compatible', () => {
    const before = fromText('message A { int32 x = 1; string gone = 2; map<string, int32> m = 3; }');
    const after = fromText('message A { repeated int32 x = 1; map<string, int64> m = 3; }');
    expect(findIncompatibilities(lookup(before), lookup(after), ['p.A']).map((problem) => problem.reason)).toEqual([
      'p.A field 1 (x) changed type from int32 to repeated int32',
      'p.A field 3 (m) changed type from map<string, int32> to map<string, int64>',
    ]);
  });

  it('follows recursive types without looping', () => {
    const before = fromText('message T { repeated T children = 1; int32 v = 2; }');
    const after = fromText('message T { repeated T children = 1; string v = 2; }');
    expect(findIncompatibilities(lookup(before), lookup(after), ['p.T'])).toHaveLength(1);
  });

  describe('enum values, which JSON ingest and Parquet columns carry by name', () => {
    const withStatus = (values: string) =>
      fromText(`enum Status { ${values} } message Ride { Status status = 1; } message Trip { map<string, Status> legs = 1; }`);
    const before = withStatus('UNKNOWN = 0; BOOKED = 1; CANCELLED = 2;');
    const reasons = (values: string, typeName = 'p.Ride') =>
      findIncompatibilities(lookup(before), lookup(withStatus(values)), [typeName]).map((problem) => problem.reason);

    it('accepts an added value and unchanged values in another order', () => {
      expect(reasons('UNKNOWN = 0; BOOKED = 1; CANCELLED = 2; COMPLETED = 3;')).toEqual([]);
      expect(reasons('CANCELLED = 2; UNKNOWN = 0; BOOKED = 1;')).toEqual([]);
    });

    it('reports a renamed value: its number now reads as another name', () => {
      expect(reasons('UNKNOWN = 0; BOOKED = 1; CANCELED = 2;')).toEqual(['enum p.Status value 2 renamed from CANCELLED to CANCELED']);
    });

    it('reports a renumbered value: its name now stands for another number', () => {
      expect(reasons('UNKNOWN = 0; BOOKED = 1; CANCELLED = 3;')).toEqual(['enum p.Status value CANCELLED changed number from 2 to 3']);
      expect(reasons('UNKNOWN = 0; BOOKED = 2; CANCELLED = 1;')).toEqual([
        'enum p.Status value BOOKED changed number from 1 to 2',
        'enum p.Status value CANCELLED changed number from 2 to 1',
      ]);
    });

    it('reports a removed value', () => {
      expect(reasons('UNKNOWN = 0; BOOKED = 1;')).toEqual(['enum p.Status value CANCELLED (2) was removed']);
    });

    it('checks enums used as map values, and reports against the message type in use', () => {
      const found = findIncompatibilities(lookup(before), lookup(withStatus('UNKNOWN = 0; BOOKED = 1;')), ['p.Trip']);
      expect(found).toEqual([{ messageType: 'p.Trip', reason: 'enum p.Status value CANCELLED (2) was removed' }]);
    });

    it('treats aliases by the name a number is written as', () => {
      const aliased = (values: string) => fromText(`enum S { option allow_alias = true; ${values} } message M { S s = 1; }`);
      const check = (from: string, to: string) =>
        findIncompatibilities(lookup(aliased(from)), lookup(aliased(to)), ['p.M']).map((problem) => problem.reason);
      // An alias added after the name in use changes nothing that is written.
      expect(check('A = 0; B = 1;', 'A = 0; B = 1; OLD_B = 1;')).toEqual([]);
      // An alias declared first becomes the name number 1 is written as.
      expect(check('A = 0; B = 1;', 'A = 0; NEW_B = 1; B = 1;')).toEqual(['enum p.S value 1 renamed from B to NEW_B']);
      // A removed alias is a name JSON producers may still send.
      expect(check('A = 0; B = 1; OLD_B = 1;', 'A = 0; B = 1;')).toEqual(['enum p.S value OLD_B (1) was removed']);
    });

    it('does not check enums of types nobody uses', () => {
      const unused = fromText('enum Status { UNKNOWN = 0; GONE = 1; } message Ride { int32 x = 1; } message Other { Status s = 1; }');
      const changed = fromText('enum Status { UNKNOWN = 0; } message Ride { int32 x = 1; } message Other { Status s = 1; }');
      expect(findIncompatibilities(lookup(unused), lookup(changed), ['p.Ride'])).toEqual([]);
      expect(findIncompatibilities(lookup(unused), lookup(changed), ['p.Other'])).toHaveLength(1);
    });
  });
});
