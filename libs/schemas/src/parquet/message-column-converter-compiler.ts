import type { ColumnBuilder } from '@eventpath/storage';
import type { DecodedMessage } from '../codec/decoder-compiler';
import { defaultValueOf, EMPTY_BYTES } from '../codec/default-values';
import { mapEntries } from '../codec/map-entries';
import type { JsonContext } from '../json/json-codec';
import { is64BitScalar, type ScalarType, type SchemaSet } from '../model/schema-model';
import { columnValues } from './column-values';
import { jsonColumnText } from './json-column-values';
import type { FieldPlan, GroupPlan, MappingPlan, ValuePlan } from './mapping-plan';
import { recursionCutProblem } from './mapping-plan';
import type { RecordMetadata } from './metadata-columns';
import { metadataValues } from './metadata-values';
import { cutFieldHasData, literal, metadataColumnAppends } from './generated-code';

/** Appends one decoded message (and its record metadata) to the top-level column builders; throws ValueProblem. */
export type MessageColumnConverter = (message: DecodedMessage, metadata: RecordMetadata | undefined, columns: readonly ColumnBuilder[], context: JsonContext) => void;

/**
 * Generates the converter from decoded messages straight into Arrow column builders
 * (libs/storage's RecordBatchBuilder of the mapping's schema), from the same plan as the
 * row converter, so the columns hold exactly what the rows would: one function per group
 * with direct property reads and typed appends, no row objects. Values are checked as the
 * writers check rows; an error names the field path (`items[3].price`) and leaves the
 * partly appended row for the caller to roll back.
 */
export function compileMessageColumnConverter(set: SchemaSet, plan: MappingPlan): MessageColumnConverter {
  const generator = new MessageColumnCodeGenerator(set, plan);
  const code: string[] = ['"use strict";'];
  for (const group of plan.groups) {
    if (group.index !== 0 && group.fields.some((field) => field.kind === 'mapped')) code.push(...generator.groupFunction(group));
  }
  code.push(...generator.rootFunction(), 'return g0;');
  const factory = new Function('H', 'M', 'JSON_TYPES', 'NAMES', code.join('\n'));
  return factory(helpers(set, plan.options.recursionDepth), metadataValues, plan.jsonTypes, generator.names) as MessageColumnConverter;
}

type MappedField = Extract<FieldPlan, { kind: 'mapped' }>;

class MessageColumnCodeGenerator {
  /** Field names per group, for error paths. */
  readonly names: string[][] = [];
  private variables = 0;

  constructor(
    private readonly set: SchemaSet,
    private readonly plan: MappingPlan,
  ) {}

  groupFunction(group: GroupPlan): string[] {
    return [`function g${group.index}(m, C, c) {`, ...this.body(group), `}`];
  }

  rootFunction(): string[] {
    const root = this.plan.root;
    const lines = [`function g0(m, meta, C, c) {`];
    if (this.plan.options.metadataColumns) lines.push(`  if (meta === undefined) throw M.missing();`);
    lines.push(...this.body(root));
    if (this.plan.options.metadataColumns) {
      const first = root.fields.filter((field) => field.kind === 'mapped').length;
      lines.push(...metadataColumnAppends(first));
    }
    lines.push(`}`);
    return lines;
  }

  private body(group: GroupPlan): string[] {
    const names = this.names.push(group.fields.filter((field) => field.kind === 'mapped').map((field) => field.def.name)) - 1;
    const lines = [`  let f = -1;`, `  try {`];
    let column = 0;
    for (const field of group.fields) {
      const value = `m[${JSON.stringify(field.def.name)}]`;
      if (field.kind === 'cut') {
        lines.push(`    if (H.present(${value})) throw H.tooDeep(${JSON.stringify(field.path)});`);
        continue;
      }
      lines.push(`    f = ${column};`, `    ${this.fieldStatement(field, value, `C[${column}]`)}`);
      column++;
    }
    lines.push(`  } catch (e) { throw f < 0 ? e : H.at(e, NAMES[${names}][f]); }`);
    return lines;
  }

  private fieldStatement(field: MappedField, value: string, column: string): string {
    const v = this.variable();
    switch (field.def.cardinality) {
      case 'singular':
        if (field.optional) return `{ const ${v} = ${value}; if (${v} == null) ${column}.appendNull(); else ${this.append(field.value, column, v)} }`;
        return `{ const ${v} = ${value} ?? ${literal(defaultValueOf(this.set, field.def.type))}; ${this.append(field.value, column, v)} }`;
      case 'repeated': {
        const [list, element, i] = [this.variable(), this.variable(), this.variable()];
        return (
          `{ const ${v} = ${value} ?? H.NONE; if (!Array.isArray(${v})) throw H.notList(${v}); const ${list} = ${column}; ` +
          `for (let ${i} = 0; ${i} < ${v}.length; ${i}++) { const ${element} = ${v}[${i}]; ` +
          `try { if (${element} == null) throw H.required(); ${this.append(field.value, `${list}.child`, element)} } catch (e) { throw H.index(e, ${i}); } } ` +
          `${list}.endList(); }`
        );
      }
      case 'map': {
        const keyType = field.def.mapKey ?? 'string';
        const [map, key, entry] = [this.variable(), this.variable(), this.variable()];
        return (
          `{ const ${v} = ${value}; const ${map} = ${column}; if (${v} != null) for (const [${key}, ${entry}] of H.entries(${v}, ${JSON.stringify(keyType)})) { ` +
          `try { ${this.appendScalar(keyType, `${map}.keys`, key)} if (${entry} == null) throw H.required(); ${this.append(field.value, `${map}.values`, entry)} ${map}.appendEntry(); } ` +
          `catch (e) { throw H.key(e, ${key}); } } ${map}.endList(); }`
        );
      }
    }
  }

  /** A statement appending the present value `v` to `column`. */
  private append(value: ValuePlan, column: string, v: string): string {
    switch (value.kind) {
      case 'scalar':
        return this.appendScalar(value.scalar, column, v);
      case 'enum':
        return `${column}.append(H.enumName(${v}));`;
      case 'timestamp':
        return `H.timestamp(${column}, ${v});`;
      case 'wrapper': {
        const inner = this.variable();
        const fallback = literal(defaultValueOf(this.set, { kind: 'scalar', scalar: value.wrapped }));
        return `{ if (typeof ${v} !== "object") throw H.notMessage(${v}); const ${inner} = ${v}.value ?? ${fallback}; ${this.appendScalar(value.wrapped, column, inner)} }`;
      }
      case 'json':
        return `${column}.append(H.json(JSON_TYPES[${value.jsonIndex}], ${v}, c));`;
      case 'empty':
        return `${column}.append(true);`;
      case 'group': {
        const struct = this.variable();
        return `{ if (typeof ${v} !== "object") throw H.notMessage(${v}); const ${struct} = ${column}; ${struct}.appendValid(); g${value.group.index}(${v}, ${struct}.children, c); }`;
      }
    }
  }

  private appendScalar(scalar: ScalarType, column: string, v: string): string {
    if (is64BitScalar(scalar)) return `H.int64(${column}, ${v}, ${scalar === 'uint64' || scalar === 'fixed64'});`;
    const check = `H.check(${JSON.stringify(scalar)}, ${v})`;
    switch (scalar) {
      case 'double':
      case 'float':
        return `${column}.append(typeof ${v} === "number" ? ${v} : ${check});`;
      case 'int32':
      case 'sint32':
      case 'sfixed32':
        return `${column}.append(typeof ${v} === "number" && (${v} | 0) === ${v} ? ${v} : ${check});`;
      case 'uint32':
      case 'fixed32':
        return `${column}.append(typeof ${v} === "number" && ${v} >>> 0 === ${v} ? ${v} : ${check});`;
      case 'bool':
        return `${column}.append(${v} === true || ${v} === false ? ${v} : ${check});`;
      case 'string':
        return `${column}.append(typeof ${v} === "string" ? ${v} : ${check});`;
      default:
        return `${column}.append(${v} instanceof Uint8Array ? ${v} : ${check});`;
    }
  }

  private variable(): string {
    return `v${this.variables++}`;
  }
}


/** Called from generated code. */
function helpers(set: SchemaSet, recursionDepth: number) {
  return {
    ...columnValues,
    NONE: Object.freeze([]) as readonly unknown[],
    EMPTY_BYTES,
    entries(value: unknown, keyType: ScalarType): Iterable<[unknown, unknown]> {
      return mapEntries(value, keyType);
    },
    json(typeName: string, value: unknown, context: JsonContext): string {
      if (typeof value !== 'object' || value === null) throw columnValues.notMessage(value);
      return jsonColumnText(set, typeName, value as DecodedMessage, context);
    },
    present: cutFieldHasData,
    tooDeep(path: string) {
      return recursionCutProblem(path, recursionDepth);
    },
  };
}
