import type { DecodedMessage } from '../codec/decoder-compiler';
import { checkScalar, expected } from '../codec/scalar-values';
import { indexSegment, keySegment, ValueProblem } from '../codec/value-problem';
import type { ScalarType, SchemaSet } from '../model/schema-model';
import type { AnyTarget, JsonContext, MessageJsonCodec } from './json-codec';
import { scalarFromJson, scalarToJson, type JsonValue } from './json-scalars';
import { formatDuration, formatTimestamp, parseDuration, parseTimestamp } from './time-text';
import { WRAPPER_TYPES } from '../model/wrapper-types';


const TYPE_URL_PREFIX = 'type.googleapis.com/';

/** The codec of a type in the same schema set, or in `set` when given. */
export type CodecLookup = (typeName: string, set?: SchemaSet) => MessageJsonCodec;

/**
 * The well-known types whose JSON form is not an object of their fields
 * (Timestamp as RFC 3339, wrappers as bare values, Struct as any JSON ...).
 * An Any holding one of them puts that form under `value`.
 */
export function wellKnownJson(
  typeName: string,
  codecOf: CodecLookup,
): MessageJsonCodec | undefined {
  const wrapped = WRAPPER_TYPES[typeName];
  if (wrapped) return wrapperCodec(wrapped);
  switch (typeName) {
    case 'google.protobuf.Timestamp':
      return {
        toJson: (message) => formatTimestamp(int64Of(message.seconds), int32Of(message.nanos)),
        fromJson: (json) => parseTimestamp(stringOf(json, 'an RFC 3339 timestamp string')),
      };
    case 'google.protobuf.Duration':
      return {
        toJson: (message) => formatDuration(int64Of(message.seconds), int32Of(message.nanos)),
        fromJson: (json) => parseDuration(stringOf(json, 'a duration string such as "1.5s"')),
      };
    case 'google.protobuf.FieldMask':
      return fieldMaskCodec();
    case 'google.protobuf.Struct':
      return structCodec(codecOf);
    case 'google.protobuf.Value':
      return valueCodec(codecOf);
    case 'google.protobuf.ListValue':
      return listValueCodec(codecOf);
    case 'google.protobuf.Any':
      return anyCodec(codecOf);
    default:
      return undefined;
  }
}

export function hasCustomJson(typeName: string): boolean {
  return typeName in WRAPPER_TYPES || CUSTOM_JSON.has(typeName);
}

const CUSTOM_JSON = new Set([
  'google.protobuf.Timestamp',
  'google.protobuf.Duration',
  'google.protobuf.FieldMask',
  'google.protobuf.Struct',
  'google.protobuf.Value',
  'google.protobuf.ListValue',
  'google.protobuf.Any',
]);

function wrapperCodec(scalar: ScalarType): MessageJsonCodec {
  return {
    toJson: (message) => scalarToJson(scalar, message.value),
    fromJson: (json) => ({ value: scalarFromJson(scalar, json) }),
  };
}

function fieldMaskCodec(): MessageJsonCodec {
  return {
    toJson: (message) => {
      const paths = message.paths;
      if (!Array.isArray(paths)) throw expected('an array of paths', paths);
      return paths
        .map((path: unknown) => {
          if (typeof path !== 'string' || /_[^a-z]|[A-Z]/.test(path)) {
            throw new ValueProblem(`FieldMask path ${JSON.stringify(path)} cannot be written in JSON (lower_snake_case only)`);
          }
          return path.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
        })
        .join(',');
    },
    fromJson: (json) => {
      const text = stringOf(json, 'a comma-separated FieldMask string');
      const paths = text === '' ? [] : text.split(',');
      return {
        paths: paths.map((path) => {
          if (path.includes('_')) throw new ValueProblem(`FieldMask path ${JSON.stringify(path)} must be lowerCamelCase in JSON`);
          return path.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
        }),
      };
    },
  };
}

function structCodec(codecOf: CodecLookup): MessageJsonCodec {
  return {
    toJson: (message, context) => {
      const fields = message.fields;
      const result: { [key: string]: JsonValue } = {};
      const entries = fields instanceof Map ? fields.entries() : Object.entries((fields ?? {}) as object);
      for (const [key, value] of entries) {
        try {
          result[String(key)] = codecOf('google.protobuf.Value').toJson(value as DecodedMessage, context);
        } catch (err) {
          throw ValueProblem.from(err).within(keySegment(key));
        }
      }
      return result;
    },
    fromJson: (json, context) => {
      if (typeof json !== 'object' || json === null || Array.isArray(json)) throw expected('a JSON object (Struct)', json);
      const fields = new Map<string, DecodedMessage>();
      for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
        try {
          fields.set(key, codecOf('google.protobuf.Value').fromJson(value, context));
        } catch (err) {
          throw ValueProblem.from(err).within(keySegment(key));
        }
      }
      return { fields };
    },
  };
}

function valueCodec(codecOf: CodecLookup): MessageJsonCodec {
  return {
    toJson: (message, context) => {
      if (message.null_value !== undefined && message.null_value !== null) return null;
      if (message.number_value !== undefined && message.number_value !== null) {
        const number = checkScalar('double', message.number_value) as number;
        if (!Number.isFinite(number)) throw new ValueProblem(`a Value cannot hold ${number} in JSON`);
        return number;
      }
      if (message.string_value !== undefined && message.string_value !== null) return checkScalar('string', message.string_value) as string;
      if (message.bool_value !== undefined && message.bool_value !== null) return checkScalar('bool', message.bool_value) as boolean;
      if (message.struct_value !== undefined && message.struct_value !== null) {
        return codecOf('google.protobuf.Struct').toJson(message.struct_value as DecodedMessage, context);
      }
      if (message.list_value !== undefined && message.list_value !== null) {
        return codecOf('google.protobuf.ListValue').toJson(message.list_value as DecodedMessage, context);
      }
      throw new ValueProblem('a google.protobuf.Value has no kind set');
    },
    fromJson: (json, context) => {
      if (json === null) return { null_value: 'NULL_VALUE' };
      switch (typeof json) {
        case 'number':
          return { number_value: json };
        case 'string':
          return { string_value: json };
        case 'boolean':
          return { bool_value: json };
        case 'object':
          return Array.isArray(json)
            ? { list_value: codecOf('google.protobuf.ListValue').fromJson(json, context) }
            : { struct_value: codecOf('google.protobuf.Struct').fromJson(json, context) };
        default:
          throw expected('a JSON value', json);
      }
    },
  };
}

function listValueCodec(codecOf: CodecLookup): MessageJsonCodec {
  return {
    toJson: (message, context) => {
      const values = message.values;
      if (!Array.isArray(values)) throw expected('an array of values', values);
      return values.map((value: unknown, index: number) => {
        try {
          return codecOf('google.protobuf.Value').toJson(value as DecodedMessage, context);
        } catch (err) {
          throw ValueProblem.from(err).within(indexSegment(index));
        }
      });
    },
    fromJson: (json, context) => {
      if (!Array.isArray(json)) throw expected('a JSON array (ListValue)', json);
      return {
        values: json.map((value, index) => {
          try {
            return codecOf('google.protobuf.Value').fromJson(value, context);
          } catch (err) {
            throw ValueProblem.from(err).within(indexSegment(index));
          }
        }),
      };
    },
  };
}

function anyCodec(codecOf: CodecLookup): MessageJsonCodec {
  // The packed type may come from another schema source, so its codec comes from its own set.
  const targetCodec = (target: AnyTarget): MessageJsonCodec => codecOf(target.typeName, target.set);
  return {
    toJson: (message, context): JsonValue => {
      const typeUrl = checkScalar('string', message.type_url ?? '') as string;
      const value = checkScalar('bytes', message.value ?? new Uint8Array(0)) as Uint8Array;
      if (typeUrl === '' && value.length === 0) return {};
      const target = resolve(typeUrl, context);
      let packed: DecodedMessage;
      try {
        packed = target.decode(value);
      } catch (err) {
        throw new ValueProblem(`the Any's value is not a valid ${target.typeName}: ${(err as Error).message}`);
      }
      const json = targetCodec(target).toJson(packed, context);
      if (hasCustomJson(target.typeName)) return { '@type': typeUrl, value: json };
      return { '@type': typeUrl, ...(json as { [key: string]: JsonValue }) };
    },
    fromJson: (json, context) => {
      if (typeof json !== 'object' || json === null || Array.isArray(json)) throw expected('a JSON object (Any)', json);
      const { '@type': typeUrl, ...rest } = json as Record<string, unknown>;
      if (typeUrl === undefined && Object.keys(rest).length === 0) return { type_url: '', value: new Uint8Array(0) };
      if (typeof typeUrl !== 'string') throw new ValueProblem('an Any needs an "@type" naming the packed message type');
      const target = resolve(typeUrl, context);
      const packedJson = hasCustomJson(target.typeName) ? rest.value : rest;
      let packed: DecodedMessage;
      try {
        packed = targetCodec(target).fromJson(packedJson, context);
      } catch (err) {
        const problem = ValueProblem.from(err);
        if (hasCustomJson(target.typeName)) problem.within('value');
        throw problem;
      }
      return { type_url: typeUrl, value: target.encode(packed) };
    },
  };
}

function resolve(typeUrl: string, context: JsonContext): AnyTarget {
  const slash = typeUrl.lastIndexOf('/');
  const typeName = slash >= 0 ? typeUrl.slice(slash + 1) : typeUrl;
  const target = typeName === '' ? undefined : context.resolveAny(typeName);
  if (!target) {
    throw new ValueProblem(
      `the Any names type ${JSON.stringify(typeUrl)}, which the registry does not know (expected ${TYPE_URL_PREFIX}<full.Name>)`,
    );
  }
  return target;
}

function int64Of(value: unknown): bigint {
  return checkScalar('int64', value ?? 0n) as bigint;
}

function int32Of(value: unknown): number {
  return checkScalar('int32', value ?? 0) as number;
}

function stringOf(json: unknown, what: string): string {
  if (typeof json !== 'string') throw expected(what, json);
  return json;
}
