import { PROTO_DIR, UPDATES_DIR, readDescriptorSet, readProtoFiles } from '../test-support/fixtures';
import { join } from 'node:path';
import { fingerprintOf } from './fingerprint';
import { schemaSetFromDescriptorSet } from './model-from-descriptor-set';
import { schemaSetFromProtoFiles } from './model-from-proto-files';

describe('fingerprintOf', () => {
  const fromProto = schemaSetFromProtoFiles(readProtoFiles(PROTO_DIR));
  const fromDescriptor = schemaSetFromDescriptorSet(readDescriptorSet('fixtures'));

  it('is the same whether the schema came from .proto files or a descriptor set', () => {
    for (const name of fromProto.messages.keys()) {
      expect(fingerprintOf(fromDescriptor, name)).toBe(fingerprintOf(fromProto, name));
    }
  });

  it('is stable across loads and distinct between types', () => {
    const again = schemaSetFromProtoFiles(readProtoFiles(PROTO_DIR));
    const names = [...fromProto.messages.keys()];
    expect(names.map((name) => fingerprintOf(again, name))).toEqual(names.map((name) => fingerprintOf(fromProto, name)));
    expect(new Set(names.map((name) => fingerprintOf(fromProto, name))).size).toBe(names.length);
    expect(fingerprintOf(fromProto, 'eventpath.fixtures.Order')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('changes when a type the message depends on changes', () => {
    const v1 = schemaSetFromProtoFiles(readProtoFiles(join(UPDATES_DIR, 'v1')));
    const riderOnlyChanged = new Map([
      [
        'eventpath/updates/ride.proto',
        readProtoFiles(join(UPDATES_DIR, 'v1'))
          .get('eventpath/updates/ride.proto')
          ?.replace('string rider_id = 1;', 'string rider_id = 1; string nickname = 9;') as string,
      ],
    ]);
    const changed = schemaSetFromProtoFiles(riderOnlyChanged);
    expect(fingerprintOf(changed, 'eventpath.updates.Rider')).not.toBe(fingerprintOf(v1, 'eventpath.updates.Rider'));
    expect(fingerprintOf(changed, 'eventpath.updates.RideBooked')).not.toBe(fingerprintOf(v1, 'eventpath.updates.RideBooked'));
  });

  it('ignores unrelated types, declaration order and comments', () => {
    const moneyAlone = schemaSetFromProtoFiles(
      new Map([['eventpath/fixtures/common.proto', readProtoFiles(PROTO_DIR).get('eventpath/fixtures/common.proto') as string]]),
    );
    expect(fingerprintOf(moneyAlone, 'eventpath.fixtures.Money')).toBe(fingerprintOf(fromProto, 'eventpath.fixtures.Money'));

    const reordered = schemaSetFromProtoFiles(
      new Map([
        [
          'eventpath/fixtures/common.proto',
          `// Money, fields in another order.
           syntax = "proto3"; package eventpath.fixtures;
           message Money { int32 nanos = 3; /* units */ int64 units = 2; string currency_code = 1; }`,
        ],
      ]),
    );
    expect(fingerprintOf(reordered, 'eventpath.fixtures.Money')).toBe(fingerprintOf(fromProto, 'eventpath.fixtures.Money'));
  });

  it('changes when a field is renamed, renumbered or retyped', () => {
    const variant = (body: string) =>
      fingerprintOf(
        schemaSetFromProtoFiles(new Map([['m.proto', `syntax = "proto3"; package p; message M { ${body} }`]])),
        'p.M',
      );
    const base = variant('int64 a = 1;');
    expect(variant('int64 b = 1;')).not.toBe(base);
    expect(variant('int64 a = 2;')).not.toBe(base);
    expect(variant('sint64 a = 1;')).not.toBe(base);
    expect(variant('repeated int64 a = 1;')).not.toBe(base);
    expect(variant('optional int64 a = 1;')).not.toBe(base);
    expect(variant('int64 a = 1;')).toBe(base);
  });

  it('changes with the enum values of an enum a field or map value uses, not with their declaration order', () => {
    const variant = (values: string, field = 'S s = 1;') =>
      fingerprintOf(
        schemaSetFromProtoFiles(
          new Map([['m.proto', `syntax = "proto3"; package p; enum S { option allow_alias = true; ${values} } message M { ${field} }`]]),
        ),
        'p.M',
      );
    const base = variant('A = 0; B = 1; C = 2;');
    expect(variant('C = 2; A = 0; B = 1;')).toBe(base);
    expect(variant('A = 0; B = 1; RENAMED = 2;')).not.toBe(base);
    expect(variant('A = 0; B = 1; C = 3;')).not.toBe(base);
    expect(variant('A = 0; B = 1; C = 2; D = 3;')).not.toBe(base);
    expect(variant('A = 0; B = 1;')).not.toBe(base);
    // The first name declared for a number is the one JSON and Parquet write, so alias order counts.
    expect(variant('A = 0; B = 1; B_ALIAS = 1;')).not.toBe(variant('A = 0; B_ALIAS = 1; B = 1;'));

    const inMap = (values: string) => variant(values, 'map<string, S> m = 1;');
    expect(inMap('A = 0; B = 1; RENAMED = 2;')).not.toBe(inMap('A = 0; B = 1; C = 2;'));
  });
});
