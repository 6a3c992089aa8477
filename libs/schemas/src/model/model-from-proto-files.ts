import * as protobuf from 'protobufjs';
import { InvalidSchemaError } from '../errors';
import { defaultJsonName } from './json-name';
import {
  checkReferences,
  isPackable,
  SCALAR_TYPES,
  SchemaSet,
  type EnumDef,
  type FieldDef,
  type MessageDef,
  type ScalarType,
  type ValueType,
} from './schema-model';
import { wellKnownProto } from './well-known-protos';

/**
 * Builds a schema set from .proto sources keyed by their import path (the
 * path relative to the include root, as in `import "acme/orders.proto"`).
 * Every file is loaded; imports resolve among the given files first, then
 * among the well-known types.
 */
export function schemaSetFromProtoFiles(files: ReadonlyMap<string, string>): SchemaSet {
  if (files.size === 0) throw new InvalidSchemaError('no .proto files');
  const root = new protobuf.Root();
  const parsed = new Set<string>();

  const parseFile = (path: string, importedBy?: string): void => {
    if (parsed.has(path)) return;
    parsed.add(path);
    const source = files.get(path) ?? wellKnownProto(path);
    if (source === undefined) {
      throw new InvalidSchemaError(`${importedBy}: import "${path}" was not found`);
    }
    let result: protobuf.IParserResult;
    try {
      result = protobuf.parse(source, root, { keepCase: true });
    } catch (err) {
      throw new InvalidSchemaError(`${path}: ${(err as Error).message}`);
    }
    for (const imported of [...(result.imports ?? []), ...(result.weakImports ?? [])]) {
      parseFile(imported, path);
    }
  };

  for (const path of [...files.keys()].sort()) parseFile(path);
  try {
    root.resolveAll();
  } catch (err) {
    throw new InvalidSchemaError((err as Error).message);
  }

  const messages = new Map<string, MessageDef>();
  const enums = new Map<string, EnumDef>();
  collect(root, messages, enums);
  const problems = checkReferences(messages, enums);
  if (problems.length > 0) throw new InvalidSchemaError(problems.join('; '));
  return new SchemaSet(messages, enums);
}

function collect(namespace: protobuf.NamespaceBase, messages: Map<string, MessageDef>, enums: Map<string, EnumDef>): void {
  for (const nested of namespace.nestedArray) {
    if (nested instanceof protobuf.Type) {
      rejectEditions(nested);
      messages.set(qualified(nested), messageDef(nested));
      collect(nested, messages, enums);
    } else if (nested instanceof protobuf.Enum) {
      rejectEditions(nested);
      enums.set(qualified(nested), {
        fullName: qualified(nested),
        values: Object.entries(nested.values).map(([name, number]) => ({ name, number })),
      });
    } else if (nested instanceof protobuf.Namespace && !(nested instanceof protobuf.Service)) {
      collect(nested, messages, enums);
    }
  }
}

// Editions change presence, packing and enum semantics per feature; the
// model only knows proto2 and proto3 rules, so editions files are refused
// rather than decoded with the wrong rules.
function rejectEditions(object: protobuf.ReflectionObject): void {
  const edition = object._editionToJSON();
  if (edition !== undefined && edition !== 'proto2' && edition !== 'proto3') {
    throw new InvalidSchemaError(`${qualified(object)}: protobuf editions (edition ${edition}) are not supported`);
  }
}

function messageDef(type: protobuf.Type): MessageDef {
  const fields: FieldDef[] = [];
  for (const field of type.fieldsArray) {
    // Extensions are listed among the extended type's fields; they stay unknown fields here.
    if (field.declaringField || field.name.startsWith('.')) continue;
    fields.push(fieldDef(type, field));
  }
  const oneofs = type.oneofsArray
    .filter((oneof) => !oneof.fieldsArray.every((member) => isProto3Optional(member)))
    .map((oneof) => oneof.name);
  return { fullName: qualified(type), fields, oneofs };
}

function fieldDef(owner: protobuf.Type, field: protobuf.Field): FieldDef {
  field.resolve();
  const type = valueType(owner, field);
  const cardinality = field.map ? 'map' : field.repeated ? 'repeated' : 'singular';
  const options = field.options as Record<string, unknown> | undefined;
  const jsonName = typeof options?.['json_name'] === 'string' ? (options['json_name'] as string) : defaultJsonName(field.name);
  return {
    name: field.name,
    jsonName,
    number: field.id,
    cardinality,
    type,
    ...(field instanceof protobuf.MapField ? { mapKey: scalar(owner, field, field.keyType) } : {}),
    required: field.required,
    hasPresence:
      cardinality === 'singular' && (type.kind === 'message' || type.kind === 'group' || Boolean(field.hasPresence)),
    ...(field.partOf && !isProto3Optional(field) ? { oneof: field.partOf.name } : {}),
    packed: cardinality === 'repeated' && isPackable(type) && field.packed,
  };
}

function valueType(owner: protobuf.Type, field: protobuf.Field): ValueType {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Enum) return { kind: 'enum', typeName: qualified(resolved) };
  if (resolved instanceof protobuf.Type) {
    return { kind: field.delimited ? 'group' : 'message', typeName: qualified(resolved) };
  }
  return { kind: 'scalar', scalar: scalar(owner, field, field.type) };
}

function scalar(owner: protobuf.Type, field: protobuf.Field, name: string): ScalarType {
  if (!(SCALAR_TYPES as readonly string[]).includes(name)) {
    throw new InvalidSchemaError(`${qualified(owner)}.${field.name}: unknown type ${name}`);
  }
  return name as ScalarType;
}

function isProto3Optional(field: protobuf.Field): boolean {
  return (field.options as Record<string, unknown> | undefined)?.['proto3_optional'] === true;
}

function qualified(object: protobuf.ReflectionObject): string {
  return object.fullName.startsWith('.') ? object.fullName.slice(1) : object.fullName;
}
