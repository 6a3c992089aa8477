import type { DecodedMessage } from '../codec/decoder-compiler';
import { defaultTest, emptyMessageFactory } from '../codec/default-values';
import { mapEntries, mapKeyFromString } from '../codec/map-entries';
import { describeValue, expected } from '../codec/scalar-values';
import { indexSegment, keySegment, ValueProblem } from '../codec/value-problem';
import type { FieldDef, MessageDef, SchemaSet, ValueType } from '../model/schema-model';
import { scalarFromJson, scalarToJson, type JsonValue } from './json-scalars';
import { wellKnownJson } from './well-known-json';

/** A message type another registry type can be packed into an Any as. */
export interface AnyTarget {
  readonly set: SchemaSet;
  readonly typeName: string;
  decode(bytes: Uint8Array): DecodedMessage;
  encode(message: DecodedMessage): Uint8Array;
}

export interface JsonContext {
  /** Finds the type an Any's type URL names, among all the registry's types. */
  readonly resolveAny: (typeName: string) => AnyTarget | undefined;
  /** Print proto field names instead of lowerCamelCase JSON names. */
  readonly protoFieldNames: boolean;
  /** Skip JSON fields the message type does not have instead of failing. */
  readonly ignoreUnknownFields: boolean;
}

export interface MessageJsonCodec {
  toJson(message: DecodedMessage, context: JsonContext): JsonValue;
  fromJson(json: unknown, context: JsonContext): DecodedMessage;
}

const NULL_VALUE_ENUM = 'google.protobuf.NullValue';
const VALUE_MESSAGE = 'google.protobuf.Value';
const cache = new WeakMap<SchemaSet, Map<string, MessageJsonCodec>>();

/**
 * The protobuf JSON mapping for one message type, built once per schema set:
 * field converters are prepared up front so converting a message only walks
 * its values.
 */
export function jsonCodecFor(set: SchemaSet, typeName: string): MessageJsonCodec {
  let perSet = cache.get(set);
  if (!perSet) {
    perSet = new Map();
    cache.set(set, perSet);
  }
  let codec = perSet.get(typeName);
  if (!codec) {
    codec =
      wellKnownJson(typeName, (nested, otherSet) => jsonCodecFor(otherSet ?? set, nested)) ?? messageCodec(set, set.messageOf({ kind: 'message', typeName }));
    perSet.set(typeName, codec);
  }
  return codec;
}

interface ValueConverter {
  toJson(value: unknown, context: JsonContext): JsonValue;
  fromJson(json: unknown, context: JsonContext): unknown;
  /** Whether JSON null is a value (google.protobuf.Value, NullValue) rather than "not set". */
  readonly acceptsNull: boolean;
}

function messageCodec(set: SchemaSet, message: MessageDef): MessageJsonCodec {
  const fields = message.fields.map((field) => ({
    field,
    convert: valueConverter(set, field.type),
    isDefault: field.hasPresence ? () => false : defaultTest(set, field.type),
  }));
  const byName = new Map<string, (typeof fields)[number]>();
  for (const entry of fields) {
    byName.set(entry.field.jsonName, entry);
    byName.set(entry.field.name, entry);
  }
  const withTwoNames = message.fields.filter((field) => field.jsonName !== field.name);
  const required = message.fields.filter((field) => field.required);
  const createEmpty = emptyMessageFactory(set, message);

  return {
    toJson(value, context) {
      const result: { [key: string]: JsonValue } = {};
      for (const { field, convert, isDefault } of fields) {
        const fieldValue = value[field.name];
        if (fieldValue === undefined || fieldValue === null) continue;
        try {
          const json = fieldToJson(field, convert, isDefault, fieldValue, context);
          if (json !== undefined) result[context.protoFieldNames ? field.name : field.jsonName] = json;
        } catch (err) {
          throw ValueProblem.from(err).within(field.name);
        }
      }
      return result;
    },

    fromJson(json, context) {
      if (typeof json !== 'object' || json === null || Array.isArray(json)) throw expected('a JSON object', json);
      const input = json as Record<string, unknown>;
      for (const field of withTwoNames) {
        if (Object.hasOwn(input, field.name) && Object.hasOwn(input, field.jsonName)) {
          throw new ValueProblem(`the field is given twice, as ${field.name} and ${field.jsonName}`).within(field.jsonName);
        }
      }
      const result = createEmpty();
      let oneofsSet: Map<string, string> | undefined;
      const keys = Object.keys(input);
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i];
        const entry = byName.get(key);
        if (!entry) {
          if (context.ignoreUnknownFields) continue;
          throw new ValueProblem(`unknown field (${message.fullName} has no such field)`).within(key);
        }
        const { field, convert } = entry;
        const fieldJson = input[key];
        try {
          if (fieldJson === null && !(field.cardinality === 'singular' && convert.acceptsNull)) continue;
          if (field.oneof !== undefined) {
            oneofsSet ??= new Map();
            const other = oneofsSet.get(field.oneof);
            if (other !== undefined) throw new ValueProblem(`${other} and ${key} are both set, but they are in oneof ${field.oneof}`);
            oneofsSet.set(field.oneof, key);
          }
          result[field.name] = fieldFromJson(field, convert, fieldJson, context);
        } catch (err) {
          throw ValueProblem.from(err).within(key);
        }
      }
      for (const field of required) {
        if (result[field.name] === undefined) throw new ValueProblem('required field is missing').within(field.jsonName);
      }
      return result;
    },
  };
}

function fieldToJson(
  field: FieldDef,
  convert: ValueConverter,
  isDefault: (value: unknown) => boolean,
  value: unknown,
  context: JsonContext,
): JsonValue | undefined {
  if (field.cardinality === 'repeated') {
    if (!Array.isArray(value)) throw expected('an array', value);
    if (value.length === 0) return undefined;
    return value.map((element, index) => {
      try {
        return convert.toJson(element, context);
      } catch (err) {
        throw ValueProblem.from(err).within(indexSegment(index));
      }
    });
  }
  if (field.cardinality === 'map') {
    const result: { [key: string]: JsonValue } = {};
    let count = 0;
    for (const [key, entryValue] of mapEntries(value, field.mapKey ?? 'string')) {
      try {
        result[String(key)] = convert.toJson(entryValue, context);
      } catch (err) {
        throw ValueProblem.from(err).within(keySegment(key));
      }
      count++;
    }
    return count === 0 ? undefined : result;
  }
  if (isDefault(value)) return undefined;
  return convert.toJson(value, context);
}

function fieldFromJson(field: FieldDef, convert: ValueConverter, json: unknown, context: JsonContext): unknown {
  if (field.cardinality === 'repeated') {
    if (!Array.isArray(json)) throw expected('a JSON array', json);
    return json.map((element, index) => {
      try {
        if (element === null && !convert.acceptsNull) throw expected('a value (null is not allowed in a list)', element);
        return convert.fromJson(element, context);
      } catch (err) {
        throw ValueProblem.from(err).within(indexSegment(index));
      }
    });
  }
  if (field.cardinality === 'map') {
    if (typeof json !== 'object' || Array.isArray(json)) throw expected('a JSON object (map)', json);
    const result = new Map<unknown, unknown>();
    for (const [key, entryJson] of Object.entries(json as Record<string, unknown>)) {
      const mapKey = mapKeyFromString(key, field.mapKey ?? 'string');
      try {
        if (entryJson === null && !convert.acceptsNull) throw expected('a value (null is not allowed in a map)', entryJson);
        result.set(mapKey, convert.fromJson(entryJson, context));
      } catch (err) {
        throw ValueProblem.from(err).within(keySegment(key));
      }
    }
    return result;
  }
  return convert.fromJson(json, context);
}

function valueConverter(set: SchemaSet, type: ValueType): ValueConverter {
  if (type.kind === 'scalar') {
    return {
      toJson: (value) => scalarToJson(type.scalar, value),
      fromJson: (json) => scalarFromJson(type.scalar, json),
      acceptsNull: false,
    };
  }
  if (type.kind === 'enum') return enumConverter(set, type.typeName);
  let codec: MessageJsonCodec | undefined;
  const nested = (): MessageJsonCodec => (codec ??= jsonCodecFor(set, type.typeName));
  return {
    toJson: (value, context) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw expected('a message object', value);
      return nested().toJson(value as DecodedMessage, context);
    },
    fromJson: (json, context) => nested().fromJson(json, context),
    acceptsNull: type.typeName === VALUE_MESSAGE,
  };
}

function enumConverter(set: SchemaSet, typeName: string): ValueConverter {
  const values = set.enumOf({ kind: 'enum', typeName }).values;
  const names = new Set(values.map((value) => value.name));
  const nameOf = new Map<number, string>();
  for (const value of values) if (!nameOf.has(value.number)) nameOf.set(value.number, value.name);
  if (typeName === NULL_VALUE_ENUM) {
    return { toJson: () => null, fromJson: () => nameOf.get(0) ?? 0, acceptsNull: true };
  }
  return {
    toJson: (value) => {
      if (typeof value === 'string') {
        if (!names.has(value)) throw new ValueProblem(`${JSON.stringify(value)} is not a value of enum ${typeName}`);
        return value;
      }
      if (typeof value === 'number' && Number.isInteger(value)) return nameOf.get(value) ?? value;
      throw expected(`an enum name or number (${typeName})`, value);
    },
    fromJson: (json) => {
      if (typeof json === 'string') {
        if (!names.has(json)) throw new ValueProblem(`${JSON.stringify(json)} is not a value of enum ${typeName}`);
        return json;
      }
      if (typeof json === 'number' && Number.isInteger(json) && json >= -2147483648 && json <= 2147483647) {
        return nameOf.get(json) ?? json;
      }
      throw new ValueProblem(`expected a name of enum ${typeName} or an integer, got ${describeValue(json)}`);
    },
    acceptsNull: false,
  };
}
