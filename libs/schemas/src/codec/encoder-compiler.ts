import { Writer, type Long } from 'protobufjs';
import type { FieldDef, MessageDef, SchemaSet, ScalarType, ValueType } from '../model/schema-model';
import type { DecodedMessage } from './decoder-compiler';
import { defaultTest } from './default-values';
import { messageClosure } from './message-closure';
import { mapEntries } from './map-entries';
import { checkScalar, describeValue, expected } from './scalar-values';
import { indexSegment, keySegment, ValueProblem } from './value-problem';
import { tagOf, WIRE_DELIMITED, wireTypeOf } from './wire-types';

export type UnknownFieldPolicy = 'reject' | 'ignore';

type WriteValue = (writer: Writer, value: unknown) => void;
type EncodeMessage = (message: DecodedMessage, writer: Writer) => void;
type EncodeField = (message: DecodedMessage, writer: Writer) => void;

/**
 * Builds an encoder for one message type from the decoded representation.
 * Values are checked against their field types; implicit-presence fields at
 * their default are left out, as protobuf encoders do.
 */
export function compileEncoder(
  set: SchemaSet,
  rootType: string,
  unknownFields: UnknownFieldPolicy,
): (message: DecodedMessage) => Uint8Array {
  // Every type gets its slot first so recursive types can refer to each other.
  const slots = new Map<string, EncoderSlot>(messageClosure(set, rootType).map((typeName) => [typeName, {}]));
  for (const [typeName, slot] of slots) {
    slot.encode = messageEncoder(set, set.messageOf({ kind: 'message', typeName }), slots, unknownFields);
  }
  const root = slots.get(rootType) as Required<EncoderSlot>;
  return (message) => {
    const writer = Writer.create();
    root.encode(checkMessage(message), writer);
    return writer.finish();
  };
}

interface EncoderSlot {
  encode?: EncodeMessage;
}

function messageEncoder(
  set: SchemaSet,
  message: MessageDef,
  slots: ReadonlyMap<string, EncoderSlot>,
  unknownFields: UnknownFieldPolicy,
): EncodeMessage {
  const fields = [...message.fields].sort((a, b) => a.number - b.number);
  const encodeFields = fields.map((field) => fieldEncoder(set, field, slots));
  const known = new Set(fields.map((field) => field.name));
  const required = fields.filter((field) => field.required).map((field) => field.name);
  const oneofs = message.oneofs.map((name) => fields.filter((field) => field.oneof === name).map((field) => field.name));
  return (value, writer) => {
    if (unknownFields === 'reject') {
      const keys = Object.keys(value);
      for (let i = 0; i < keys.length; i++) {
        if (!known.has(keys[i]) && value[keys[i]] !== undefined) throw new ValueProblem('unknown field').within(keys[i]);
      }
    }
    for (const name of required) {
      if (value[name] === undefined || value[name] === null) throw new ValueProblem('required field is missing').within(name);
    }
    for (const members of oneofs) {
      let present = 0;
      for (const name of members) if (value[name] !== undefined && value[name] !== null) present++;
      if (present > 1) {
        const names = members.filter((name) => value[name] !== undefined && value[name] !== null);
        throw new ValueProblem(`only one of ${names.join(', ')} may be set (oneof)`).within(names[1]);
      }
    }
    for (let i = 0; i < encodeFields.length; i++) {
      try {
        encodeFields[i](value, writer);
      } catch (err) {
        throw ValueProblem.from(err).within(fields[i].name);
      }
    }
  };
}

function fieldEncoder(set: SchemaSet, field: FieldDef, slots: ReadonlyMap<string, EncoderSlot>): EncodeField {
  const name = field.name;
  const write = valueWriter(set, field.type, slots);
  const tag = tagOf(field.number, wireTypeOf(field.type));

  if (field.cardinality === 'map') {
    const keyType: ScalarType = field.mapKey ?? 'string';
    const writeKey = valueWriter(set, { kind: 'scalar', scalar: keyType }, slots);
    const keyTag = tagOf(1, wireTypeOf({ kind: 'scalar', scalar: keyType }));
    const valueTag = tagOf(2, wireTypeOf(field.type));
    const entryTag = tagOf(field.number, WIRE_DELIMITED);
    return (message, writer) => {
      const value = message[name];
      if (value === undefined || value === null) return;
      const entries = mapEntries(value, keyType);
      for (const [key, entryValue] of entries) {
        try {
          writer.uint32(entryTag).fork();
          writer.uint32(keyTag);
          writeKey(writer, key);
          writer.uint32(valueTag);
          write(writer, entryValue);
          writer.ldelim();
        } catch (err) {
          throw ValueProblem.from(err).within(keySegment(key));
        }
      }
    };
  }

  if (field.cardinality === 'repeated') {
    const packedTag = tagOf(field.number, WIRE_DELIMITED);
    return (message, writer) => {
      const value = message[name];
      if (value === undefined || value === null) return;
      if (!Array.isArray(value)) throw expected('an array', value);
      if (value.length === 0) return;
      if (field.packed) writer.uint32(packedTag).fork();
      for (let i = 0; i < value.length; i++) {
        try {
          if (value[i] === undefined || value[i] === null) throw expected('a value', value[i]);
          if (!field.packed) writer.uint32(tag);
          write(writer, value[i]);
        } catch (err) {
          throw ValueProblem.from(err).within(indexSegment(i));
        }
      }
      if (field.packed) writer.ldelim();
    };
  }

  const isDefault = field.hasPresence ? () => false : defaultTest(set, field.type);
  return (message, writer) => {
    const value = message[name];
    if (value === undefined || value === null || isDefault(value)) return;
    writer.uint32(tag);
    write(writer, value);
  };
}

function valueWriter(set: SchemaSet, type: ValueType, slots: ReadonlyMap<string, EncoderSlot>): WriteValue {
  if (type.kind === 'message' || type.kind === 'group') {
    const slot = slots.get(type.typeName) as EncoderSlot;
    return (writer, value) => {
      writer.fork();
      (slot.encode as EncodeMessage)(checkMessage(value), writer);
      writer.ldelim();
    };
  }
  if (type.kind === 'enum') {
    const numbers = new Map(set.enumOf(type).values.map((value) => [value.name, value.number]));
    return (writer, value) => {
      if (typeof value === 'string') {
        const number = numbers.get(value);
        if (number === undefined) throw new ValueProblem(`${JSON.stringify(value)} is not a value of enum ${type.typeName}`);
        writer.int32(number);
      } else {
        writer.int32(checkScalar('int32', value) as number);
      }
    };
  }
  const scalar = type.scalar;
  const write = SCALAR_WRITERS[scalar];
  return (writer, value) => write(writer, checkScalar(scalar, value));
}

const SCALAR_WRITERS: Readonly<Record<ScalarType, WriteValue>> = {
  double: (w, v) => w.double(v as number),
  float: (w, v) => w.float(v as number),
  int32: (w, v) => w.int32(v as number),
  uint32: (w, v) => w.uint32(v as number),
  sint32: (w, v) => w.sint32(v as number),
  fixed32: (w, v) => w.fixed32(v as number),
  sfixed32: (w, v) => w.sfixed32(v as number),
  int64: (w, v) => w.int64(longBits(v as bigint)),
  uint64: (w, v) => w.uint64(longBits(v as bigint)),
  sint64: (w, v) => w.sint64(longBits(v as bigint)),
  fixed64: (w, v) => w.fixed64(longBits(v as bigint)),
  sfixed64: (w, v) => w.sfixed64(longBits(v as bigint)),
  bool: (w, v) => w.bool(v as boolean),
  string: (w, v) => w.string(v as string),
  bytes: (w, v) => w.bytes(v as Uint8Array),
};

// protobufjs's writer takes 64-bit values as { low, high } two's-complement halves.
function longBits(value: bigint): Long {
  const bits = BigInt.asUintN(64, value);
  return { low: Number(bits & 0xffffffffn) | 0, high: Number(bits >> 32n) | 0 } as Long;
}

function checkMessage(value: unknown): DecodedMessage {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array || value instanceof Map) {
    throw new ValueProblem(`expected a message object, got ${describeValue(value)}`);
  }
  return value as DecodedMessage;
}
