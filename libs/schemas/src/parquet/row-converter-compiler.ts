import type { ParquetField, ParquetPrimitiveField, ParquetRepetition, ParquetSchema } from '@eventpath/storage';
import type { DecodedMessage } from '../codec/decoder-compiler';
import { defaultValueOf, EMPTY_BYTES } from '../codec/default-values';
import { mapEntries } from '../codec/map-entries';
import { describeValue } from '../codec/scalar-values';
import { ValueProblem } from '../codec/value-problem';
import type { JsonContext } from '../json/json-codec';
import { jsonCodecFor } from '../json/json-codec';
import type { JsonValue } from '../json/json-scalars';
import { messageClosure } from '../codec/message-closure';
import { ParquetMappingError } from '../errors';
import type { FieldDef, ScalarType, SchemaSet, ValueType } from '../model/schema-model';
import { METADATA_COLUMNS, METADATA_FIELDS, RESERVED_COLUMN_PREFIX, type RecordMetadata } from './metadata-columns';
import { WRAPPER_TYPES } from '../model/wrapper-types';

export type RecursionFallback = 'json' | 'error';

export interface RowConverterOptions {
  readonly recursionDepth: number;
  readonly recursionFallback: RecursionFallback;
  readonly metadataColumns: boolean;
}

export type RowConverter = (
  message: DecodedMessage,
  metadata: RecordMetadata | undefined,
  context: JsonContext,
) => Record<string, unknown>;

export interface CompiledRowMapping {
  readonly schema: ParquetSchema;
  readonly convert: RowConverter;
}

const TIMESTAMP = 'google.protobuf.Timestamp';
const ANY = 'google.protobuf.Any';
const AS_JSON = new Set(['google.protobuf.Struct', 'google.protobuf.Value', 'google.protobuf.ListValue', ANY]);

/** How one value (a field's, a list element's or a map value's) is stored: its Parquet field and the JS expression that converts it. */
interface ValueMapping {
  field: ParquetField;
  convert: (expression: string) => string;
}

const IDENTITY = (expression: string): string => expression;

/**
 * Derives the Parquet schema of a message type and generates, in the same
 * walk, a converter from decoded messages to rows in the shape the writers
 * in libs/storage take. The converter is one function per (message type,
 * recursion state) with object literals of direct property reads, built once
 * per schema version and mapping options.
 */
export function compileRowMapping(set: SchemaSet, rootType: string, options: RowConverterOptions): CompiledRowMapping {
  const generator = new RowMappingGenerator(set, rootType, options);
  return generator.compile();
}

class RowMappingGenerator {
  private readonly code: string[] = ['"use strict";'];
  private readonly groups = new Map<string, { index: number; fields: ParquetField[] }>();
  private readonly reachable = new Map<string, Set<string>>();
  private readonly jsonTypes: string[] = [];
  private nextGroup = 1;

  constructor(
    private readonly set: SchemaSet,
    private readonly rootType: string,
    private readonly options: RowConverterOptions,
  ) {}

  compile(): CompiledRowMapping {
    const root = this.set.messageOf({ kind: 'message', typeName: this.rootType });
    if (this.options.metadataColumns) {
      const clash = root.fields.find((field) => field.name.startsWith(RESERVED_COLUMN_PREFIX));
      if (clash) {
        throw new ParquetMappingError(
          this.rootType,
          clash.name,
          `top-level field names starting with "${RESERVED_COLUMN_PREFIX}" are reserved for the metadata columns`,
        );
      }
    }
    const counts = new Map([[this.rootType, 1]]);
    const { fields, properties, checks } = this.groupBody(this.rootType, counts, '');
    if (this.options.metadataColumns) {
      fields.push(...METADATA_FIELDS);
      properties.push(
        `${JSON.stringify(METADATA_COLUMNS.topic)}: H.topic(meta)`,
        `${JSON.stringify(METADATA_COLUMNS.partition)}: H.partition(meta)`,
        `${JSON.stringify(METADATA_COLUMNS.offset)}: H.offset(meta)`,
        `${JSON.stringify(METADATA_COLUMNS.timestamp)}: H.kafkaTimestamp(meta)`,
        `${JSON.stringify(METADATA_COLUMNS.eventId)}: meta.eventId ?? null`,
      );
    }
    if (fields.length === 0) {
      throw new ParquetMappingError(this.rootType, '', 'the message type has no fields to store and metadata columns are off');
    }
    this.code.push(
      `function g0(m, meta, c) {`,
      ...(this.options.metadataColumns ? ['  if (meta === undefined) throw H.noMetadata();'] : []),
      ...checks,
      `  return { ${properties.join(', ')} };`,
      `}`,
      `return g0;`,
    );
    const factory = new Function('H', 'JSON_TYPES', this.code.join('\n'));
    const convert = factory(helpers(this.set), this.jsonTypes) as RowConverter;
    return { schema: { fields }, convert };
  }

  /** The columns, row properties and depth checks of one group. */
  private groupBody(
    typeName: string,
    counts: ReadonlyMap<string, number>,
    path: string,
  ): { fields: ParquetField[]; properties: string[]; checks: string[] } {
    const fields: ParquetField[] = [];
    const properties: string[] = [];
    const checks: string[] = [];
    for (const field of this.set.messageOf({ kind: 'message', typeName }).fields) {
      const fieldPath = path ? `${path}.${field.name}` : field.name;
      const value = `m[${JSON.stringify(field.name)}]`;
      const column = this.fieldColumn(field, counts, fieldPath);
      if (!column) {
        checks.push(`  if (H.present(${value})) throw H.tooDeep(${JSON.stringify(fieldPath)}, ${this.options.recursionDepth});`);
        continue;
      }
      fields.push(column.field);
      properties.push(`${JSON.stringify(field.name)}: ${column.expression(value)}`);
    }
    return { fields, properties, checks };
  }

  /** A field's column, or undefined when recursion cuts it off and the fallback is an error. */
  private fieldColumn(
    field: FieldDef,
    counts: ReadonlyMap<string, number>,
    path: string,
  ): { field: ParquetField; expression: (value: string) => string } | undefined {
    if (field.cardinality === 'map') {
      const value = this.valueMapping(field.type, counts, path, 'value', 'REQUIRED');
      if (!value) return undefined;
      const key = primitive('key', field.mapKey ?? 'string', 'REQUIRED');
      const convertValue = value.convert;
      return {
        field: { kind: 'map', name: field.name, repetition: 'REQUIRED', key, value: value.field },
        expression: (v) => `H.entries(${v}, (x) => ${convertValue('x')}, ${JSON.stringify(field.mapKey ?? 'string')})`,
      };
    }
    if (field.cardinality === 'repeated') {
      const element = this.valueMapping(field.type, counts, path, 'element', 'REQUIRED');
      if (!element) return undefined;
      const convertElement = element.convert;
      const identity = convertElement('x') === 'x';
      return {
        field: { kind: 'list', name: field.name, repetition: 'REQUIRED', element: element.field },
        expression: (v) => (identity ? `(${v} ?? H.NONE)` : `(${v} ?? H.NONE).map((x) => ${convertElement('x')})`),
      };
    }
    const optional = field.hasPresence;
    const mapping = this.valueMapping(field.type, counts, path, field.name, optional ? 'OPTIONAL' : 'REQUIRED');
    if (!mapping) return undefined;
    const convert = mapping.convert;
    if (optional) {
      return { field: mapping.field, expression: (v) => `(${v} == null ? null : ${convert(v)})` };
    }
    const fallback = literal(defaultValueOf(this.set, field.type));
    return { field: mapping.field, expression: (v) => convert(`(${v} ?? ${fallback})`) };
  }

  private valueMapping(
    type: ValueType,
    counts: ReadonlyMap<string, number>,
    path: string,
    name: string,
    repetition: ParquetRepetition,
  ): ValueMapping | undefined {
    if (type.kind === 'scalar') return { field: primitive(name, type.scalar, repetition), convert: IDENTITY };
    if (type.kind === 'enum') {
      return {
        field: { kind: 'primitive', name, repetition, physicalType: 'BYTE_ARRAY', logicalType: { type: 'STRING' } },
        convert: (v) => `H.enumName(${v})`,
      };
    }
    const typeName = type.typeName;
    if (typeName === TIMESTAMP) {
      return {
        field: {
          kind: 'primitive',
          name,
          repetition,
          physicalType: 'INT64',
          logicalType: { type: 'TIMESTAMP', unit: 'MICROS', isAdjustedToUTC: true },
        },
        convert: (v) => `H.micros(${v})`,
      };
    }
    const wrapped = WRAPPER_TYPES[typeName];
    if (wrapped) {
      // A wrapper's value is implicit, so a present wrapper always has one.
      const fallback = literal(defaultValueOf(this.set, { kind: 'scalar', scalar: wrapped }));
      return { field: primitive(name, wrapped, repetition), convert: (v) => `(${v}.value ?? ${fallback})` };
    }
    if (AS_JSON.has(typeName)) return this.jsonMapping(typeName, name, repetition);

    if ((counts.get(typeName) ?? 0) >= this.options.recursionDepth) {
      return this.options.recursionFallback === 'json' ? this.jsonMapping(typeName, name, repetition) : undefined;
    }
    const group = this.group(typeName, counts, path);
    if (!group) {
      // Parquet has no empty groups; an empty message (e.g. google.protobuf.Empty) keeps its presence as a boolean.
      return {
        field: { kind: 'primitive', name, repetition, physicalType: 'BOOLEAN' },
        convert: () => 'true',
      };
    }
    return {
      field: { kind: 'group', name, repetition, fields: group.fields },
      convert: (v) => `g${group.index}(${v}, c)`,
    };
  }

  private jsonMapping(typeName: string, name: string, repetition: ParquetRepetition): ValueMapping {
    let index = this.jsonTypes.indexOf(typeName);
    if (index < 0) index = this.jsonTypes.push(typeName) - 1;
    return {
      field: { kind: 'primitive', name, repetition, physicalType: 'BYTE_ARRAY', logicalType: { type: 'JSON' } },
      convert: (v) => `H.json(JSON_TYPES[${index}], ${v}, c)`,
    };
  }

  /** The generated function for a nested group, shared by every place with the same recursion state. */
  private group(
    typeName: string,
    counts: ReadonlyMap<string, number>,
    path: string,
  ): { index: number; fields: ParquetField[] } | undefined {
    const nextCounts = new Map(counts);
    nextCounts.set(typeName, (counts.get(typeName) ?? 0) + 1);
    const key = this.groupKey(typeName, nextCounts);
    const existing = this.groups.get(key);
    if (existing) return existing.fields.length > 0 ? existing : undefined;
    const index = this.nextGroup++;
    const entry = { index, fields: [] as ParquetField[] };
    this.groups.set(key, entry);
    const { fields, properties, checks } = this.groupBody(typeName, nextCounts, path);
    entry.fields = fields;
    if (fields.length === 0) return undefined;
    this.code.push(`function g${index}(m, c) {`, ...checks, `  return { ${properties.join(', ')} };`, `}`);
    return entry;
  }

  // Two places need the same columns when they hold the same type and agree on
  // how often each type the subtree can reach already occurs above them.
  private groupKey(typeName: string, counts: ReadonlyMap<string, number>): string {
    let reachable = this.reachable.get(typeName);
    if (!reachable) {
      reachable = new Set(messageClosure(this.set, typeName));
      this.reachable.set(typeName, reachable);
    }
    const relevant = [...counts]
      .filter(([name]) => reachable.has(name))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, count]) => `${name}=${count}`);
    return `${typeName}|${relevant.join(',')}`;
  }
}

function primitive(name: string, scalar: ScalarType, repetition: ParquetRepetition): ParquetPrimitiveField {
  switch (scalar) {
    case 'double':
      return { kind: 'primitive', name, repetition, physicalType: 'DOUBLE' };
    case 'float':
      return { kind: 'primitive', name, repetition, physicalType: 'FLOAT' };
    case 'int32':
    case 'sint32':
    case 'sfixed32':
      return { kind: 'primitive', name, repetition, physicalType: 'INT32' };
    case 'uint32':
    case 'fixed32':
      return {
        kind: 'primitive',
        name,
        repetition,
        physicalType: 'INT32',
        logicalType: { type: 'INTEGER', bitWidth: 32, signed: false },
      };
    case 'int64':
    case 'sint64':
    case 'sfixed64':
      return { kind: 'primitive', name, repetition, physicalType: 'INT64' };
    case 'uint64':
    case 'fixed64':
      return {
        kind: 'primitive',
        name,
        repetition,
        physicalType: 'INT64',
        logicalType: { type: 'INTEGER', bitWidth: 64, signed: false },
      };
    case 'bool':
      return { kind: 'primitive', name, repetition, physicalType: 'BOOLEAN' };
    case 'string':
      return { kind: 'primitive', name, repetition, physicalType: 'BYTE_ARRAY', logicalType: { type: 'STRING' } };
    case 'bytes':
      return { kind: 'primitive', name, repetition, physicalType: 'BYTE_ARRAY' };
  }
}

function literal(value: unknown): string {
  if (value === EMPTY_BYTES) return 'H.EMPTY_BYTES';
  if (typeof value === 'bigint') return `${value}n`;
  return JSON.stringify(value);
}

/** Called from generated code. */
function helpers(set: SchemaSet) {
  return {
    NONE: Object.freeze([]) as readonly unknown[],
    EMPTY_BYTES,
    enumName(value: unknown): string {
      return typeof value === 'string' ? value : String(value);
    },
    micros(timestamp: DecodedMessage): bigint {
      return BigInt((timestamp.seconds as bigint | number | undefined) ?? 0) * 1_000_000n + BigInt(Math.floor(Number(timestamp.nanos ?? 0) / 1000));
    },
    entries(value: unknown, convert: (entryValue: unknown) => unknown, keyType: ScalarType): { key: unknown; value: unknown }[] {
      if (value == null) return [];
      return Array.from(mapEntries(value, keyType), ([key, entryValue]) => ({ key, value: convert(entryValue) }));
    },
    json(typeName: string, value: DecodedMessage, context: JsonContext): string {
      let json: JsonValue;
      try {
        json = jsonCodecFor(set, typeName).toJson(value, context);
      } catch (err) {
        // The archive must not lose an event because its Any names a type the registry lacks.
        if (typeName !== ANY) throw err;
        json = { '@type': String(value.type_url ?? ''), value: Buffer.from((value.value as Uint8Array) ?? []).toString('base64') };
      }
      return JSON.stringify(json);
    },
    present(value: unknown): boolean {
      if (value == null) return false;
      if (Array.isArray(value)) return value.length > 0;
      if (value instanceof Map) return value.size > 0;
      return true;
    },
    tooDeep(path: string, depth: number): ValueProblem {
      return new ValueProblem(
        `data nested deeper than recursionDepth ${depth} allows; use recursionFallback "json" to keep such data as JSON`,
      ).within(path);
    },
    noMetadata(): ValueProblem {
      return new ValueProblem('record metadata (topic, partition, offset, timestamp) is required for the metadata columns');
    },
    topic(meta: RecordMetadata): string {
      if (typeof meta.topic !== 'string') throw new ValueProblem(`metadata topic: expected a string, got ${describeValue(meta.topic)}`);
      return meta.topic;
    },
    partition(meta: RecordMetadata): number {
      if (!Number.isInteger(meta.partition)) {
        throw new ValueProblem(`metadata partition: expected an integer, got ${describeValue(meta.partition)}`);
      }
      return meta.partition;
    },
    offset(meta: RecordMetadata): bigint {
      try {
        return BigInt(meta.offset);
      } catch {
        throw new ValueProblem(`metadata offset: expected an integer, got ${describeValue(meta.offset)}`);
      }
    },
    kafkaTimestamp(meta: RecordMetadata): bigint {
      const millis = meta.timestamp instanceof Date ? meta.timestamp.getTime() : Number(meta.timestamp);
      if (!Number.isInteger(millis)) {
        throw new ValueProblem(`metadata timestamp: expected milliseconds since the epoch, got ${describeValue(meta.timestamp)}`);
      }
      return BigInt(millis) * 1000n;
    },
  };
}
