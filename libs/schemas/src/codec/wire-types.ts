import type { ScalarType, ValueType } from '../model/schema-model';

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
export const WIRE_DELIMITED = 2;
const WIRE_FIXED32 = 5;

const SCALAR_WIRE_TYPES: Readonly<Record<ScalarType, number>> = {
  double: WIRE_FIXED64,
  float: WIRE_FIXED32,
  int32: WIRE_VARINT,
  int64: WIRE_VARINT,
  uint32: WIRE_VARINT,
  uint64: WIRE_VARINT,
  sint32: WIRE_VARINT,
  sint64: WIRE_VARINT,
  fixed32: WIRE_FIXED32,
  fixed64: WIRE_FIXED64,
  sfixed32: WIRE_FIXED32,
  sfixed64: WIRE_FIXED64,
  bool: WIRE_VARINT,
  string: WIRE_DELIMITED,
  bytes: WIRE_DELIMITED,
};

const WIRE_TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'varint',
  1: '64-bit',
  2: 'length-delimited',
  3: 'start-group',
  4: 'end-group',
  5: '32-bit',
};

export function wireTypeOf(type: ValueType): number {
  if (type.kind === 'scalar') return SCALAR_WIRE_TYPES[type.scalar];
  if (type.kind === 'enum') return WIRE_VARINT;
  return WIRE_DELIMITED;
}

export function describeWireType(wireType: number): string {
  return `${wireType} (${WIRE_TYPE_NAMES[wireType] ?? 'invalid'})`;
}

export function tagOf(fieldNumber: number, wireType: number): number {
  return ((fieldNumber << 3) | wireType) >>> 0;
}
