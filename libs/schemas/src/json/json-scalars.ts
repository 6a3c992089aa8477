import { checkScalar, describeValue, expected, FLOAT_MAX } from '../codec/scalar-values';
import { ValueProblem } from '../codec/value-problem';
import { is64BitScalar, type ScalarType } from '../model/schema-model';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const NUMBER_TEXT = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const BASE64_TEXT = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** A scalar in its protobuf JSON form: 64-bit integers as strings, bytes as base64, non-finite floats as names. */
export function scalarToJson(scalar: ScalarType, value: unknown): JsonValue {
  const checked = checkScalar(scalar, value);
  if (is64BitScalar(scalar)) return String(checked);
  switch (scalar) {
    case 'double':
      return numberToJson(checked as number);
    case 'float':
      return numberToJson(shortestFloat(checked as number));
    case 'bytes':
      return Buffer.from(checked as Uint8Array).toString('base64');
    default:
      return checked as JsonValue;
  }
}

/** Parses a scalar from JSON, accepting every form the protobuf JSON mapping allows. */
export function scalarFromJson(scalar: ScalarType, json: unknown): unknown {
  switch (scalar) {
    case 'int32':
    case 'sint32':
    case 'sfixed32':
    case 'uint32':
    case 'fixed32':
      return checkScalar(scalar, integerFromJson(json, scalar));
    case 'int64':
    case 'sint64':
    case 'sfixed64':
    case 'uint64':
    case 'fixed64':
      return checkScalar(scalar, bigIntegerFromJson(json, scalar));
    case 'float':
    case 'double': {
      const number = floatFromJson(json, scalar);
      if (scalar === 'float' && Number.isFinite(number) && Math.abs(number) > FLOAT_MAX) {
        throw new ValueProblem(`${number} is outside the float range`);
      }
      return number;
    }
    case 'bool':
      if (typeof json !== 'boolean') throw expected('true or false', json);
      return json;
    case 'string':
      if (typeof json !== 'string') throw expected('a string', json);
      return json;
    case 'bytes':
      return bytesFromJson(json);
  }
}

function integerFromJson(json: unknown, scalar: string): number {
  if (typeof json === 'number') {
    if (!Number.isInteger(json)) throw expected(`an integer (${scalar})`, json);
    return json;
  }
  if (typeof json === 'string' && NUMBER_TEXT.test(json)) {
    const number = Number(json);
    if (Number.isInteger(number)) return number;
  }
  throw expected(`an integer (${scalar})`, json);
}

function bigIntegerFromJson(json: unknown, scalar: string): bigint {
  if (typeof json === 'string' && /^-?\d+$/.test(json)) return BigInt(json);
  if (typeof json === 'number' && Number.isInteger(json)) {
    if (!Number.isSafeInteger(json)) {
      throw new ValueProblem(`${json} is beyond 2^53 and was rounded by JSON parsing; send ${scalar} values as strings`);
    }
    return BigInt(json);
  }
  throw expected(`an integer or a decimal string (${scalar})`, json);
}

function floatFromJson(json: unknown, scalar: string): number {
  if (typeof json === 'number') return json;
  if (typeof json === 'string') {
    if (json === 'NaN') return NaN;
    if (json === 'Infinity') return Infinity;
    if (json === '-Infinity') return -Infinity;
    if (NUMBER_TEXT.test(json)) return Number(json);
  }
  throw expected(`a number (${scalar})`, json);
}

function bytesFromJson(json: unknown): Uint8Array {
  if (typeof json !== 'string' || !BASE64_TEXT.test(json) || json.replace(/=+$/, '').length % 4 === 1) {
    throw new ValueProblem(`expected base64 (bytes), got ${describeValue(json)}`);
  }
  return new Uint8Array(Buffer.from(json, 'base64'));
}

function numberToJson(value: number): JsonValue {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return value;
}

/** The shortest decimal that reads back as the same 32-bit float, so 0.1f prints as 0.1. */
function shortestFloat(value: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const target = Math.fround(value);
  for (let digits = 1; digits < 10; digits++) {
    const candidate = Number(target.toPrecision(digits));
    if (Math.fround(candidate) === target) return candidate;
  }
  return target;
}
