/**
 * The library's own description of a protobuf schema, built from either .proto
 * files or a FileDescriptorSet. Codecs, fingerprints, compatibility checks and
 * the Parquet mapping all read this model, so both source formats behave the
 * same way and a schema has the same fingerprint whichever way it was loaded.
 */

export type ScalarType =
  | 'double'
  | 'float'
  | 'int32'
  | 'int64'
  | 'uint32'
  | 'uint64'
  | 'sint32'
  | 'sint64'
  | 'fixed32'
  | 'fixed64'
  | 'sfixed32'
  | 'sfixed64'
  | 'bool'
  | 'string'
  | 'bytes';

export const SCALAR_TYPES: readonly ScalarType[] = [
  'double',
  'float',
  'int32',
  'int64',
  'uint32',
  'uint64',
  'sint32',
  'sint64',
  'fixed32',
  'fixed64',
  'sfixed32',
  'sfixed64',
  'bool',
  'string',
  'bytes',
];

/** What a field (or a map value) holds. `group` is proto2's delimited message encoding. */
export type ValueType =
  | { readonly kind: 'scalar'; readonly scalar: ScalarType }
  | { readonly kind: 'enum'; readonly typeName: string }
  | { readonly kind: 'message'; readonly typeName: string }
  | { readonly kind: 'group'; readonly typeName: string };

export type FieldCardinality = 'singular' | 'repeated' | 'map';

export interface FieldDef {
  readonly name: string;
  readonly jsonName: string;
  readonly number: number;
  readonly cardinality: FieldCardinality;
  /** For maps, the value type. */
  readonly type: ValueType;
  /** Only for maps. */
  readonly mapKey?: ScalarType;
  /** proto2 `required`. */
  readonly required: boolean;
  /** Whether "not set" is distinguishable from the default value (messages, oneof members, proto2 and proto3 `optional`). */
  readonly hasPresence: boolean;
  /** The real (not proto3-optional synthetic) oneof this field belongs to. */
  readonly oneof?: string;
  /** Repeated scalars written in packed form. Decoding accepts both forms either way. */
  readonly packed: boolean;
}

export interface MessageDef {
  /** Fully-qualified name without a leading dot, e.g. `acme.orders.Order`. */
  readonly fullName: string;
  /** In declaration order. */
  readonly fields: readonly FieldDef[];
  /** Names of real oneofs in declaration order. */
  readonly oneofs: readonly string[];
}

export interface EnumValueDef {
  readonly name: string;
  readonly number: number;
}

export interface EnumDef {
  readonly fullName: string;
  readonly values: readonly EnumValueDef[];
}

/** An immutable set of message and enum types in which every type reference resolves. */
export class SchemaSet {
  constructor(
    readonly messages: ReadonlyMap<string, MessageDef>,
    readonly enums: ReadonlyMap<string, EnumDef>,
  ) {}

  message(fullName: string): MessageDef | undefined {
    return this.messages.get(fullName);
  }

  enum(fullName: string): EnumDef | undefined {
    return this.enums.get(fullName);
  }

  /** The message type a field refers to; the model guarantees it exists. */
  messageOf(type: ValueType): MessageDef {
    const def = type.kind === 'message' || type.kind === 'group' ? this.messages.get(type.typeName) : undefined;
    if (!def) throw new Error(`no message type for ${JSON.stringify(type)}`);
    return def;
  }

  enumOf(type: ValueType): EnumDef {
    const def = type.kind === 'enum' ? this.enums.get(type.typeName) : undefined;
    if (!def) throw new Error(`no enum type for ${JSON.stringify(type)}`);
    return def;
  }
}

export function isPackable(type: ValueType): boolean {
  return type.kind === 'enum' || (type.kind === 'scalar' && type.scalar !== 'string' && type.scalar !== 'bytes');
}

export function is64BitScalar(scalar: ScalarType): boolean {
  return (
    scalar === 'int64' ||
    scalar === 'uint64' ||
    scalar === 'sint64' ||
    scalar === 'fixed64' ||
    scalar === 'sfixed64'
  );
}

/** Checks that every type reference resolves; both model builders call it before handing out a set. */
export function checkReferences(messages: ReadonlyMap<string, MessageDef>, enums: ReadonlyMap<string, EnumDef>): string[] {
  const problems: string[] = [];
  for (const message of messages.values()) {
    for (const field of message.fields) {
      const type = field.type;
      if (type.kind === 'enum' && !enums.has(type.typeName)) {
        problems.push(`${message.fullName}.${field.name} refers to enum ${type.typeName}, which is not defined`);
      }
      if ((type.kind === 'message' || type.kind === 'group') && !messages.has(type.typeName)) {
        problems.push(`${message.fullName}.${field.name} refers to message ${type.typeName}, which is not defined`);
      }
    }
  }
  return problems;
}
