import { InvalidSchemaError } from '../errors';
import { PROTO_DIR, readProtoFiles } from '../test-support/fixtures';
import { schemaSetFromProtoFiles } from './model-from-proto-files';

describe('schemaSetFromProtoFiles', () => {
  const set = schemaSetFromProtoFiles(readProtoFiles(PROTO_DIR));
  const field = (type: string, name: string) => set.message(type)?.fields.find((candidate) => candidate.name === name);

  it('resolves imports between files and of well-known types the directory does not contain', () => {
    expect(readProtoFiles(PROTO_DIR).has('google/protobuf/timestamp.proto')).toBe(false);
    expect(field('eventpath.fixtures.Order', 'created_at')?.type).toEqual({ kind: 'message', typeName: 'google.protobuf.Timestamp' });
    expect(field('eventpath.fixtures.Order', 'total')?.type).toEqual({ kind: 'message', typeName: 'eventpath.fixtures.Money' });
    // protoc's field names for the well-known types, not protobufjs's camelCase copies.
    expect(set.message('google.protobuf.Value')?.fields.map((f) => f.name)).toEqual([
      'null_value',
      'number_value',
      'string_value',
      'bool_value',
      'struct_value',
      'list_value',
    ]);
  });

  it('models maps, oneofs, proto3 optional, enums and json_name', () => {
    expect(field('eventpath.fixtures.Order', 'items_by_line')).toMatchObject({
      cardinality: 'map',
      mapKey: 'int64',
      type: { kind: 'message', typeName: 'eventpath.fixtures.LineItem' },
    });
    expect(field('eventpath.fixtures.Order', 'voucher_code')).toMatchObject({ oneof: 'payment', hasPresence: true });
    expect(set.message('eventpath.fixtures.Order')?.oneofs).toEqual(['payment']);
    expect(field('eventpath.fixtures.OptionalScalars', 'f_int32')).toMatchObject({ hasPresence: true });
    expect(field('eventpath.fixtures.OptionalScalars', 'f_int32')?.oneof).toBeUndefined();
    expect(set.message('eventpath.fixtures.OptionalScalars')?.oneofs).toEqual([]);
    expect(field('eventpath.fixtures.Scalars', 'f_int32')).toMatchObject({ hasPresence: false });
    expect(field('eventpath.fixtures.Order', 'total_micros')?.jsonName).toBe('totalMicroUnits');
    expect(field('eventpath.fixtures.Order', 'order_id')?.jsonName).toBe('orderId');
    expect(set.enum('eventpath.fixtures.Order.Status')?.values[2]).toEqual({ name: 'STATUS_PAID', number: 2 });
  });

  it('models proto2 presence, required fields and opt-in packing', () => {
    expect(field('eventpath.fixtures.legacy.LegacyEvent', 'id')).toMatchObject({ required: true, hasPresence: true });
    expect(field('eventpath.fixtures.legacy.LegacyEvent', 'count')).toMatchObject({ required: false, hasPresence: true });
    expect(field('eventpath.fixtures.legacy.LegacyEvent', 'packed_values')?.packed).toBe(true);
    expect(field('eventpath.fixtures.legacy.LegacyEvent', 'plain_values')?.packed).toBe(false);
    expect(field('eventpath.fixtures.RepeatedScalars', 'f_int32')?.packed).toBe(true);
    expect(field('eventpath.fixtures.RepeatedScalars', 'f_int32_unpacked')?.packed).toBe(false);
  });

  it('names the importing file and the missing import', () => {
    const files = new Map([['a/main.proto', 'syntax = "proto3"; import "a/missing.proto"; message M {}']]);
    expect(() => schemaSetFromProtoFiles(files)).toThrow(InvalidSchemaError);
    expect(() => schemaSetFromProtoFiles(files)).toThrow('a/main.proto: import "a/missing.proto" was not found');
  });

  it('names the file with a syntax error', () => {
    const files = new Map([['broken.proto', 'syntax = "proto3"; message M { int32 = 1; }']]);
    expect(() => schemaSetFromProtoFiles(files)).toThrow(/^broken\.proto: /);
  });

  it('reports an unresolvable type reference', () => {
    const files = new Map([['m.proto', 'syntax = "proto3"; package p; message M { Missing x = 1; }']]);
    expect(() => schemaSetFromProtoFiles(files)).toThrow(/Missing/);
  });

  it('refuses protobuf editions rather than applying proto3 rules to them', () => {
    const files = new Map([['e.proto', 'edition = "2023"; package p; message M { int32 a = 1; }']]);
    expect(() => schemaSetFromProtoFiles(files)).toThrow(/editions/);
  });
});
