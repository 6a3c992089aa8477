import type { ParquetSchema } from '@eventpath/storage';
import type { DecodedMessage } from '../codec/decoder-compiler';
import { defaultValueOf, EMPTY_BYTES } from '../codec/default-values';
import { mapEntries } from '../codec/map-entries';
import { ValueProblem } from '../codec/value-problem';
import type { JsonContext } from '../json/json-codec';
import type { ScalarType, SchemaSet } from '../model/schema-model';
import { jsonColumnText } from './json-column-values';
import { type FieldPlan, type GroupPlan, type MappingOptions, type MappingPlan, planParquetMapping, recursionCutProblem, type ValuePlan } from './mapping-plan';

type MappedField = Extract<FieldPlan, { kind: 'mapped' }>;
import { METADATA_COLUMNS, type RecordMetadata } from './metadata-columns';
import { metadataValues } from './metadata-values';
import { cutFieldHasData, literal } from './generated-code';

export type { RecursionFallback } from './mapping-plan';
export type RowConverterOptions = MappingOptions;

export type RowConverter = (
  message: DecodedMessage,
  metadata: RecordMetadata | undefined,
  context: JsonContext,
) => Record<string, unknown>;

export interface CompiledRowMapping {
  readonly schema: ParquetSchema;
  readonly convert: RowConverter;
  /** What the schema was derived from; the column converters generate their code from it. */
  readonly plan: MappingPlan;
}

/**
 * Derives the Parquet schema of a message type (mapping-plan.ts) and generates a converter
 * from decoded messages to rows in the shape the writers in libs/storage take. The
 * converter is one function per (message type, recursion state) with object literals of
 * direct property reads, built once per schema version and mapping options.
 */
export function compileRowMapping(set: SchemaSet, rootType: string, options: RowConverterOptions): CompiledRowMapping {
  const plan = planParquetMapping(set, rootType, options);
  const generator = new RowCodeGenerator(set);
  const code: string[] = ['"use strict";'];
  for (const group of plan.groups) {
    if (group.index === 0 || !group.fields.some((field) => field.kind === 'mapped')) continue;
    code.push(`function g${group.index}(m, c) {`, ...generator.checks(group), `  return { ${generator.properties(group).join(', ')} };`, `}`);
  }
  const rootProperties = generator.properties(plan.root);
  if (options.metadataColumns) {
    rootProperties.push(
      `${JSON.stringify(METADATA_COLUMNS.topic)}: M.topic(meta)`,
      `${JSON.stringify(METADATA_COLUMNS.partition)}: M.partition(meta)`,
      `${JSON.stringify(METADATA_COLUMNS.offset)}: M.offset(meta)`,
      `${JSON.stringify(METADATA_COLUMNS.timestamp)}: BigInt(M.timestampMillis(meta)) * 1000n`,
      `${JSON.stringify(METADATA_COLUMNS.eventId)}: meta.eventId ?? null`,
    );
  }
  code.push(
    `function g0(m, meta, c) {`,
    ...(options.metadataColumns ? ['  if (meta === undefined) throw M.missing();'] : []),
    ...generator.checks(plan.root),
    `  return { ${rootProperties.join(', ')} };`,
    `}`,
    `return g0;`,
  );
  const factory = new Function('H', 'M', 'JSON_TYPES', code.join('\n'));
  const convert = factory(helpers(set, options.recursionDepth), metadataValues, plan.jsonTypes) as RowConverter;
  return { schema: plan.schema, convert, plan };
}

class RowCodeGenerator {
  constructor(private readonly set: SchemaSet) {}

  /** Data below the recursion cut (recursionFallback 'error') fails the row. */
  checks(group: GroupPlan): string[] {
    return group.fields.flatMap((field) =>
      field.kind === 'cut' ? [`  if (H.present(m[${JSON.stringify(field.def.name)}])) throw H.tooDeep(${JSON.stringify(field.path)});`] : [],
    );
  }

  properties(group: GroupPlan): string[] {
    return group.fields.flatMap((field) => (field.kind === 'mapped' ? [`${JSON.stringify(field.def.name)}: ${this.fieldExpression(field)}`] : []));
  }

  private fieldExpression(field: MappedField): string {
    const value = `m[${JSON.stringify(field.def.name)}]`;
    const convert = this.valueConverter(field.value);
    switch (field.def.cardinality) {
      case 'map':
        return `H.entries(${value}, (x) => ${convert('x')}, ${JSON.stringify(field.def.mapKey ?? 'string')})`;
      case 'repeated':
        return convert('x') === 'x' ? `(${value} ?? H.NONE)` : `(${value} ?? H.NONE).map((x) => ${convert('x')})`;
      case 'singular':
        if (field.optional) return `(${value} == null ? null : ${convert(value)})`;
        return convert(`(${value} ?? ${literal(defaultValueOf(this.set, field.def.type))})`);
    }
  }

  private valueConverter(value: ValuePlan): (expression: string) => string {
    switch (value.kind) {
      case 'scalar':
        return (v) => v;
      case 'enum':
        return (v) => `H.enumName(${v})`;
      case 'timestamp':
        return (v) => `H.micros(${v})`;
      case 'wrapper': {
        // A wrapper's value is implicit, so a present wrapper always has one.
        const fallback = literal(defaultValueOf(this.set, { kind: 'scalar', scalar: value.wrapped }));
        return (v) => `(${v}.value ?? ${fallback})`;
      }
      case 'json':
        return (v) => `H.json(JSON_TYPES[${value.jsonIndex}], ${v}, c)`;
      case 'empty':
        return () => 'true';
      case 'group':
        return (v) => `g${value.group.index}(${v}, c)`;
    }
  }
}


/** Called from generated code. */
function helpers(set: SchemaSet, recursionDepth: number) {
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
      return jsonColumnText(set, typeName, value, context);
    },
    present: cutFieldHasData,
    tooDeep(path: string): ValueProblem {
      return recursionCutProblem(path, recursionDepth);
    },
  };
}
