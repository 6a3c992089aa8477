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
});
