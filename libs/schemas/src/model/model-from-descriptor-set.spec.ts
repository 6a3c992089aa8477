import { InvalidSchemaError } from '../errors';
import { PROTO_DIR, readDescriptorSet, readProtoFiles } from '../test-support/fixtures';
import { schemaSetFromDescriptorSet } from './model-from-descriptor-set';
import { schemaSetFromProtoFiles } from './model-from-proto-files';

describe('schemaSetFromDescriptorSet', () => {
  it('reads a protoc descriptor set into the same model as the .proto files it was compiled from', () => {
    const fromDescriptor = schemaSetFromDescriptorSet(readDescriptorSet('fixtures'));
    const fromProto = schemaSetFromProtoFiles(readProtoFiles(PROTO_DIR));
    expect([...fromDescriptor.messages.keys()].sort()).toEqual([...fromProto.messages.keys()].sort());
    for (const [name, message] of fromDescriptor.messages) expect(message).toEqual(fromProto.message(name));
    for (const [name, enumDef] of fromDescriptor.enums) expect(enumDef).toEqual(fromProto.enum(name));
  });

  it('turns map entry types into map fields instead of exposing them as messages', () => {
    const set = schemaSetFromDescriptorSet(readDescriptorSet('fixtures'));
    expect(set.message('eventpath.fixtures.Order.LabelsEntry')).toBeUndefined();
    expect(set.message('eventpath.fixtures.Order')?.fields.find((f) => f.name === 'labels')).toMatchObject({
      cardinality: 'map',
      mapKey: 'string',
      type: { kind: 'scalar', scalar: 'string' },
    });
  });

  it('refuses a descriptor set built without --include_imports, saying so', () => {
    expect(() => schemaSetFromDescriptorSet(readDescriptorSet('order-without-imports'))).toThrow(InvalidSchemaError);
    expect(() => schemaSetFromDescriptorSet(readDescriptorSet('order-without-imports'))).toThrow(
      /google\.protobuf\.Timestamp.*--include_imports/,
    );
  });

  it('refuses bytes that are not a descriptor set', () => {
    expect(() => schemaSetFromDescriptorSet(Buffer.from('definitely not protobuf'))).toThrow(InvalidSchemaError);
    expect(() => schemaSetFromDescriptorSet(new Uint8Array(0))).toThrow('the descriptor set holds no files');
  });

  it('refuses a truncated descriptor set', () => {
    const bytes = readDescriptorSet('fixtures');
    expect(() => schemaSetFromDescriptorSet(bytes.subarray(0, bytes.length - 7))).toThrow(InvalidSchemaError);
  });
});
