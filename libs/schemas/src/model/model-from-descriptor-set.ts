import * as descriptor from 'protobufjs/ext/descriptor';
import { InvalidSchemaError } from '../errors';
import { defaultJsonName } from './json-name';
import {
  checkReferences,
  isPackable,
  SchemaSet,
  type EnumDef,
  type FieldDef,
  type MessageDef,
  type ScalarType,
  type ValueType,
} from './schema-model';

// The parts of descriptor.proto read here, as protobufjs's toObject returns them.
interface FileProto {
  name?: string;
  package?: string;
  syntax?: string;
  messageType?: MessageProto[];
  enumType?: EnumProto[];
}
interface MessageProto {
  name?: string;
  field?: FieldProto[];
  nestedType?: MessageProto[];
  enumType?: EnumProto[];
  oneofDecl?: { name?: string }[];
  options?: { mapEntry?: boolean };
}
interface FieldProto {
  name?: string;
  number?: number;
  label?: number;
  type?: number;
  typeName?: string;
  extendee?: string;
  oneofIndex?: number;
  jsonName?: string;
  options?: { packed?: boolean };
  proto3Optional?: boolean;
}
interface EnumProto {
  name?: string;
  value?: { name?: string; number?: number }[];
}

const LABEL_REQUIRED = 2;
const LABEL_REPEATED = 3;
const TYPE_GROUP = 10;
const TYPE_MESSAGE = 11;
const TYPE_ENUM = 14;
const SCALAR_BY_TYPE: Readonly<Record<number, ScalarType>> = {
  1: 'double',
  2: 'float',
  3: 'int64',
  4: 'uint64',
  5: 'int32',
  6: 'fixed64',
  7: 'fixed32',
  8: 'bool',
  9: 'string',
  12: 'bytes',
  13: 'uint32',
  15: 'sfixed32',
  16: 'sfixed64',
  17: 'sint32',
  18: 'sint64',
};

/**
 * Builds a schema set from a serialized FileDescriptorSet, as written by
 * `protoc --include_imports --descriptor_set_out` or `buf build -o`.
 */
export function schemaSetFromDescriptorSet(bytes: Uint8Array): SchemaSet {
  let files: FileProto[];
  try {
    const decoded = descriptor.FileDescriptorSet.decode(bytes);
    files = (descriptor.FileDescriptorSet.toObject(decoded, { longs: String }) as { file?: FileProto[] }).file ?? [];
  } catch (err) {
    throw new InvalidSchemaError(`not a FileDescriptorSet: ${(err as Error).message}`);
  }
  if (files.length === 0) throw new InvalidSchemaError('the descriptor set holds no files');

  const mapEntries = new Map<string, MessageProto>();
  const messageProtos: { fullName: string; proto: MessageProto; syntax: 'proto2' | 'proto3'; file: string }[] = [];
  const enums = new Map<string, EnumDef>();

  for (const file of files) {
    const fileName = file.name ?? '(unnamed file)';
    const syntax = file.syntax || 'proto2';
    if (syntax !== 'proto2' && syntax !== 'proto3') {
      throw new InvalidSchemaError(`${fileName}: syntax "${syntax}" is not supported (protobuf editions are not)`);
    }
    const visit = (scope: string, proto: MessageProto): void => {
      const fullName = join(scope, proto.name);
      if (proto.options?.mapEntry) mapEntries.set(fullName, proto);
      else messageProtos.push({ fullName, proto, syntax, file: fileName });
      for (const nested of proto.nestedType ?? []) visit(fullName, nested);
      for (const nested of proto.enumType ?? []) addEnum(enums, fullName, nested, fileName);
    };
    for (const message of file.messageType ?? []) visit(file.package ?? '', message);
    for (const nested of file.enumType ?? []) addEnum(enums, file.package ?? '', nested, fileName);
  }

  const messages = new Map<string, MessageDef>();
  for (const { fullName, proto, syntax, file } of messageProtos) {
    if (messages.has(fullName)) throw new InvalidSchemaError(`${file}: message ${fullName} is defined twice`);
    messages.set(fullName, messageDef(fullName, proto, syntax, mapEntries));
  }
  const problems = checkReferences(messages, enums);
  if (problems.length > 0) {
    throw new InvalidSchemaError(`${problems.join('; ')} (was the descriptor set built with --include_imports?)`);
  }
  return new SchemaSet(messages, enums);
}

function addEnum(enums: Map<string, EnumDef>, scope: string, proto: EnumProto, file: string): void {
  const fullName = join(scope, proto.name);
  if (enums.has(fullName)) throw new InvalidSchemaError(`${file}: enum ${fullName} is defined twice`);
  enums.set(fullName, {
    fullName,
    values: (proto.value ?? []).map((value) => ({ name: value.name ?? '', number: value.number ?? 0 })),
  });
}

function messageDef(
  fullName: string,
  proto: MessageProto,
  syntax: 'proto2' | 'proto3',
  mapEntries: ReadonlyMap<string, MessageProto>,
): MessageDef {
  const oneofNames = (proto.oneofDecl ?? []).map((oneof) => oneof.name ?? '');
  const syntheticOneofs = new Set<number>();
  const fields: FieldDef[] = [];
  for (const field of proto.field ?? []) {
    if (field.proto3Optional && field.oneofIndex !== undefined) syntheticOneofs.add(field.oneofIndex);
    fields.push(fieldDef(fullName, field, syntax, oneofNames, mapEntries));
  }
  return {
    fullName,
    fields,
    oneofs: oneofNames.filter((_, index) => !syntheticOneofs.has(index)),
  };
}

function fieldDef(
  owner: string,
  field: FieldProto,
  syntax: 'proto2' | 'proto3',
  oneofNames: readonly string[],
  mapEntries: ReadonlyMap<string, MessageProto>,
): FieldDef {
  const name = field.name ?? '';
  const where = `${owner}.${name}`;
  if (field.extendee) throw new InvalidSchemaError(`${where}: unexpected extension field inside a message`);
  const entry = field.label === LABEL_REPEATED && field.typeName ? mapEntries.get(stripDot(field.typeName)) : undefined;
  let cardinality: FieldDef['cardinality'] = field.label === LABEL_REPEATED ? 'repeated' : 'singular';
  let type = valueType(where, field);
  let mapKey: ScalarType | undefined;
  if (entry) {
    const keyField = entry.field?.find((f) => f.number === 1);
    const valueField = entry.field?.find((f) => f.number === 2);
    if (!keyField || !valueField) throw new InvalidSchemaError(`${where}: map entry type lacks its key or value field`);
    const keyType = valueType(where, keyField);
    if (keyType.kind !== 'scalar') throw new InvalidSchemaError(`${where}: map keys must be scalars`);
    cardinality = 'map';
    mapKey = keyType.scalar;
    type = valueType(where, valueField);
  }
  const oneof =
    field.oneofIndex !== undefined && !field.proto3Optional ? oneofNames[field.oneofIndex] : undefined;
  const singular = cardinality === 'singular';
  const packable = cardinality === 'repeated' && isPackable(type);
  return {
    name,
    jsonName: field.jsonName || defaultJsonName(name),
    number: field.number ?? 0,
    cardinality,
    type,
    ...(mapKey ? { mapKey } : {}),
    required: field.label === LABEL_REQUIRED,
    hasPresence:
      singular &&
      (type.kind === 'message' ||
        type.kind === 'group' ||
        syntax === 'proto2' ||
        field.proto3Optional === true ||
        oneof !== undefined),
    ...(oneof !== undefined ? { oneof } : {}),
    packed: packable && (syntax === 'proto3' ? field.options?.packed !== false : field.options?.packed === true),
  };
}

function valueType(where: string, field: FieldProto): ValueType {
  const typeNumber = field.type ?? 0;
  if (typeNumber === TYPE_ENUM) return { kind: 'enum', typeName: stripDot(field.typeName ?? '') };
  if (typeNumber === TYPE_MESSAGE) return { kind: 'message', typeName: stripDot(field.typeName ?? '') };
  if (typeNumber === TYPE_GROUP) return { kind: 'group', typeName: stripDot(field.typeName ?? '') };
  const scalar = SCALAR_BY_TYPE[typeNumber];
  if (!scalar) throw new InvalidSchemaError(`${where}: unknown field type ${typeNumber}`);
  return { kind: 'scalar', scalar };
}

function join(scope: string, name: string | undefined): string {
  return scope ? `${scope}.${name ?? ''}` : (name ?? '');
}

function stripDot(typeName: string): string {
  return typeName.startsWith('.') ? typeName.slice(1) : typeName;
}
