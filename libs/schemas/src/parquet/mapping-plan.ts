import type { ParquetField, ParquetPrimitiveField, ParquetRepetition, ParquetSchema } from '@eventpath/storage';
import { messageClosure } from '../codec/message-closure';
import { ValueProblem } from '../codec/value-problem';
import { ParquetMappingError } from '../errors';
import type { FieldDef, ScalarType, SchemaSet, ValueType } from '../model/schema-model';
import { WRAPPER_TYPES } from '../model/wrapper-types';
import { METADATA_FIELDS, RESERVED_COLUMN_PREFIX } from './metadata-columns';

export type RecursionFallback = 'json' | 'error';

export interface MappingOptions {
  readonly recursionDepth: number;
  readonly recursionFallback: RecursionFallback;
  readonly metadataColumns: boolean;
}

export const TIMESTAMP = 'google.protobuf.Timestamp';
export const ANY = 'google.protobuf.Any';
const AS_JSON = new Set(['google.protobuf.Struct', 'google.protobuf.Value', 'google.protobuf.ListValue', ANY]);

/** How one value (a field's, a list element's or a map value's) is stored. */
export type ValuePlan =
  | { readonly kind: 'scalar'; readonly scalar: ScalarType }
  /** The value's name; an unknown number as its decimal string. */
  | { readonly kind: 'enum'; readonly typeName: string }
  /** google.protobuf.Timestamp as microseconds. */
  | { readonly kind: 'timestamp' }
  /** A google.protobuf.*Value wrapper as its scalar. */
  | { readonly kind: 'wrapper'; readonly wrapped: ScalarType }
  /** The protobuf JSON mapping of the message, as a string (Struct, Value, ListValue, Any, and the recursion cut). */
  | { readonly kind: 'json'; readonly typeName: string; readonly jsonIndex: number }
  /** A message with no fields: `true` when set. */
  | { readonly kind: 'empty' }
  | { readonly kind: 'group'; readonly group: GroupPlan };

/** A field of a message and where it goes. */
export type FieldPlan =
  | {
      readonly kind: 'mapped';
      readonly def: FieldDef;
      readonly column: ParquetField;
      readonly value: ValuePlan;
      /** Singular fields with presence are OPTIONAL (null when unset); implicit ones REQUIRED (their default). */
      readonly optional: boolean;
    }
  /** Cut by the recursion depth with recursionFallback 'error': no column, and data there is an error. */
  | { readonly kind: 'cut'; readonly def: FieldDef; readonly path: string };

/** The columns of one message type at one recursion state; shared by every place with the same state. */
export interface GroupPlan {
  readonly index: number;
  readonly typeName: string;
  readonly fields: FieldPlan[];
}

/** A message type's Parquet schema, and how each field of each message in it maps to columns. */
export interface MappingPlan {
  readonly schema: ParquetSchema;
  readonly root: GroupPlan;
  /** Every group, by index (the root is 0). */
  readonly groups: GroupPlan[];
  /** The message types stored as JSON, by jsonIndex. */
  readonly jsonTypes: string[];
  readonly options: MappingOptions;
}

/**
 * Derives the Parquet schema of a message type: one walk that every converter (rows, and
 * Arrow columns from messages or from protobuf bytes) generates its code from, so they map
 * every field the same way. See the README's mapping table.
 */
export function planParquetMapping(set: SchemaSet, rootType: string, options: MappingOptions): MappingPlan {
  return new MappingPlanner(set, rootType, options).plan();
}

class MappingPlanner {
  private readonly groups = new Map<string, GroupPlan>();
  private readonly byIndex: GroupPlan[] = [];
  private readonly reachable = new Map<string, Set<string>>();
  private readonly jsonTypes: string[] = [];

  constructor(
    private readonly set: SchemaSet,
    private readonly rootType: string,
    private readonly options: MappingOptions,
  ) {}

  plan(): MappingPlan {
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
    const rootPlan: GroupPlan = { index: 0, typeName: this.rootType, fields: [] };
    this.byIndex.push(rootPlan);
    rootPlan.fields.push(...this.groupFields(this.rootType, new Map([[this.rootType, 1]]), ''));
    const fields = columnsOf(rootPlan);
    if (this.options.metadataColumns) fields.push(...METADATA_FIELDS);
    if (fields.length === 0) {
      throw new ParquetMappingError(this.rootType, '', 'the message type has no fields to store and metadata columns are off');
    }
    return { schema: { fields }, root: rootPlan, groups: this.byIndex, jsonTypes: this.jsonTypes, options: this.options };
  }

  private groupFields(typeName: string, counts: ReadonlyMap<string, number>, path: string): FieldPlan[] {
    return this.set.messageOf({ kind: 'message', typeName }).fields.map((def) => {
      const fieldPath = path ? `${path}.${def.name}` : def.name;
      return this.fieldPlan(def, counts, fieldPath) ?? { kind: 'cut', def, path: fieldPath };
    });
  }

  private fieldPlan(def: FieldDef, counts: ReadonlyMap<string, number>, path: string): FieldPlan | undefined {
    if (def.cardinality === 'map') {
      const value = this.valuePlan(def.type, counts, path, 'value', 'REQUIRED');
      if (!value) return undefined;
      const key = primitiveField('key', def.mapKey ?? 'string', 'REQUIRED');
      return { kind: 'mapped', def, value: value.plan, optional: false, column: { kind: 'map', name: def.name, repetition: 'REQUIRED', key, value: value.field } };
    }
    if (def.cardinality === 'repeated') {
      const element = this.valuePlan(def.type, counts, path, 'element', 'REQUIRED');
      if (!element) return undefined;
      return { kind: 'mapped', def, value: element.plan, optional: false, column: { kind: 'list', name: def.name, repetition: 'REQUIRED', element: element.field } };
    }
    const optional = def.hasPresence;
    const value = this.valuePlan(def.type, counts, path, def.name, optional ? 'OPTIONAL' : 'REQUIRED');
    if (!value) return undefined;
    return { kind: 'mapped', def, value: value.plan, optional, column: value.field };
  }

  private valuePlan(
    type: ValueType,
    counts: ReadonlyMap<string, number>,
    path: string,
    name: string,
    repetition: ParquetRepetition,
  ): { plan: ValuePlan; field: ParquetField } | undefined {
    if (type.kind === 'scalar') return { plan: { kind: 'scalar', scalar: type.scalar }, field: primitiveField(name, type.scalar, repetition) };
    if (type.kind === 'enum') {
      return {
        plan: { kind: 'enum', typeName: type.typeName },
        field: { kind: 'primitive', name, repetition, physicalType: 'BYTE_ARRAY', logicalType: { type: 'STRING' } },
      };
    }
    const typeName = type.typeName;
    if (typeName === TIMESTAMP) {
      return {
        plan: { kind: 'timestamp' },
        field: { kind: 'primitive', name, repetition, physicalType: 'INT64', logicalType: { type: 'TIMESTAMP', unit: 'MICROS', isAdjustedToUTC: true } },
      };
    }
    const wrapped = WRAPPER_TYPES[typeName];
    if (wrapped) return { plan: { kind: 'wrapper', wrapped }, field: primitiveField(name, wrapped, repetition) };
    if (AS_JSON.has(typeName)) return this.jsonPlan(typeName, name, repetition);
    if ((counts.get(typeName) ?? 0) >= this.options.recursionDepth) {
      return this.options.recursionFallback === 'json' ? this.jsonPlan(typeName, name, repetition) : undefined;
    }
    const group = this.group(typeName, counts, path);
    // Parquet has no empty groups; an empty message (e.g. google.protobuf.Empty) keeps its presence as a boolean.
    if (!group) return { plan: { kind: 'empty' }, field: { kind: 'primitive', name, repetition, physicalType: 'BOOLEAN' } };
    return { plan: { kind: 'group', group }, field: { kind: 'group', name, repetition, fields: columnsOf(group) } };
  }

  private jsonPlan(typeName: string, name: string, repetition: ParquetRepetition): { plan: ValuePlan; field: ParquetField } {
    let jsonIndex = this.jsonTypes.indexOf(typeName);
    if (jsonIndex < 0) jsonIndex = this.jsonTypes.push(typeName) - 1;
    return {
      plan: { kind: 'json', typeName, jsonIndex },
      field: { kind: 'primitive', name, repetition, physicalType: 'BYTE_ARRAY', logicalType: { type: 'JSON' } },
    };
  }

  /** The group for a nested message, shared by every place with the same recursion state; undefined if it has no columns. */
  private group(typeName: string, counts: ReadonlyMap<string, number>, path: string): GroupPlan | undefined {
    const nextCounts = new Map(counts);
    nextCounts.set(typeName, (counts.get(typeName) ?? 0) + 1);
    const key = this.groupKey(typeName, nextCounts);
    const existing = this.groups.get(key);
    if (existing) return columnsOf(existing).length > 0 ? existing : undefined;
    const plan: GroupPlan = { index: this.byIndex.length, typeName, fields: [] };
    this.groups.set(key, plan);
    this.byIndex.push(plan);
    plan.fields.push(...this.groupFields(typeName, nextCounts, path));
    return columnsOf(plan).length > 0 ? plan : undefined;
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

/** The Parquet fields of a group's mapped fields, in declaration order. */
export function columnsOf(group: GroupPlan): ParquetField[] {
  return group.fields.flatMap((field) => (field.kind === 'mapped' ? [field.column] : []));
}

function primitiveField(name: string, scalar: ScalarType, repetition: ParquetRepetition): ParquetPrimitiveField {
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
      return { kind: 'primitive', name, repetition, physicalType: 'INT32', logicalType: { type: 'INTEGER', bitWidth: 32, signed: false } };
    case 'int64':
    case 'sint64':
    case 'sfixed64':
      return { kind: 'primitive', name, repetition, physicalType: 'INT64' };
    case 'uint64':
    case 'fixed64':
      return { kind: 'primitive', name, repetition, physicalType: 'INT64', logicalType: { type: 'INTEGER', bitWidth: 64, signed: false } };
    case 'bool':
      return { kind: 'primitive', name, repetition, physicalType: 'BOOLEAN' };
    case 'string':
      return { kind: 'primitive', name, repetition, physicalType: 'BYTE_ARRAY', logicalType: { type: 'STRING' } };
    case 'bytes':
      return { kind: 'primitive', name, repetition, physicalType: 'BYTE_ARRAY' };
  }
}

/** A problem whose path is complete already: converters add no segments to it on its way out. */
export class RecursionCutProblem extends ValueProblem {}

/**
 * Data where the recursion depth cut a field off, with recursionFallback 'error'. The path
 * is the planned one (the first place the group was planned for), as toRow has always said it.
 */
export function recursionCutProblem(path: string, recursionDepth: number): ValueProblem {
  return new RecursionCutProblem(
    `data nested deeper than recursionDepth ${recursionDepth} allows; use recursionFallback "json" to keep such data as JSON`,
  ).within(path);
}
