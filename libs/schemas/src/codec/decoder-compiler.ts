import type { FieldDef, MessageDef, SchemaSet, ValueType } from '../model/schema-model';
import { isPackable } from '../model/schema-model';
import { defaultValueOf, EMPTY_BYTES } from './default-values';
import { messageClosure } from './message-closure';
import { indexSegment, ValueProblem } from './value-problem';
import { describeWireType, tagOf, WIRE_DELIMITED, wireTypeOf } from './wire-types';
import type { WireReader } from './wire-reader';

/** A decoded message: see the README for how each protobuf type is represented. */
export type DecodedMessage = Record<string, unknown>;

export type MessageDecoder = (reader: WireReader) => DecodedMessage;

interface FieldInfo {
  readonly name: string;
  readonly cardinality: FieldDef['cardinality'];
  readonly expected: string;
}

/** Called from generated code. */
const helpers = {
  EMPTY_BYTES,
  enumValue(names: Record<number, string>, value: number): string | number {
    const name = names[value];
    return name === undefined ? value : name;
  },
  other(reader: WireReader, tag: number, info: ReadonlyMap<number, FieldInfo>): void {
    const fieldNumber = tag >>> 3;
    if (fieldNumber === 0) throw new ValueProblem(`invalid field number 0 at offset ${reader.pos}`);
    const known = info.get(fieldNumber);
    if (known) {
      throw new ValueProblem(`wrong wire type ${describeWireType(tag & 7)}, expected ${known.expected}`);
    }
    try {
      reader.skip(tag & 7, fieldNumber);
    } catch (err) {
      throw ValueProblem.from(err).within(`<unknown field ${fieldNumber}>`);
    }
  },
  overrun(reader: WireReader, end: number): ValueProblem {
    return new ValueProblem(`field runs past the end of its message (offset ${reader.pos}, message ends at ${end})`, true);
  },
  tooDeep(maxDepth: number): ValueProblem {
    return new ValueProblem(`messages nested more than ${maxDepth} deep`);
  },
  missing(name: string): ValueProblem {
    return new ValueProblem('required field is missing').within(name);
  },
  at(err: unknown, info: ReadonlyMap<number, FieldInfo>, fieldNumber: number, message: DecodedMessage): ValueProblem {
    const problem = ValueProblem.from(err);
    const field = info.get(fieldNumber);
    if (field) {
      if (field.cardinality !== 'singular') {
        const container = message[field.name] as unknown[] | Map<unknown, unknown>;
        const count = Array.isArray(container) ? container.length : container.size;
        problem.within(indexSegment(problem.afterField ? count - 1 : count));
      }
      problem.within(field.name);
    }
    problem.afterField = false;
    return problem;
  },
};

/**
 * Generates a decoder for one message type and everything it contains:
 * one function per message type with a switch over complete tags, so a field
 * that arrives with the wrong wire type is an error rather than a misread.
 * Unknown fields are skipped; packed and unpacked repeated scalars are both
 * accepted; a singular message field that appears twice is merged.
 */
export function compileDecoder(set: SchemaSet, rootType: string, maxDepth: number): MessageDecoder {
  const types = messageClosure(set, rootType);
  const typeIndex = new Map(types.map((name, index) => [name, index]));
  const enumTables = new Indexed<string>();
  const infos: ReadonlyMap<number, FieldInfo>[] = [];
  const entryInfos: ReadonlyMap<number, FieldInfo>[] = [];
  const code: string[] = ['"use strict";'];

  const messageIndex = (type: ValueType): number => typeIndex.get((type as { typeName: string }).typeName) as number;
  const read = (type: ValueType): string => {
    if (type.kind === 'enum') {
      return `H.enumValue(E${enumTables.indexOf(type.typeName)}, r.int32())`;
    }
    return `r.${(type as { scalar: string }).scalar}()`;
  };
  const defaultOf = (type: ValueType): string => literal(defaultValueOf(set, type));

  types.forEach((typeName, index) => {
    const message = set.messageOf({ kind: 'message', typeName });
    infos.push(fieldInfos(message));
    const defaults = message.fields
      .filter((field) => field.cardinality !== 'singular' || !field.hasPresence)
      .map((field) => {
        const value = field.cardinality === 'repeated' ? '[]' : field.cardinality === 'map' ? 'new Map()' : defaultOf(field.type);
        return `${JSON.stringify(field.name)}: ${value}`;
      });
    code.push(`function c${index}() { return { ${defaults.join(', ')} }; }`);
    code.push(`function d${index}(r, end, depth, m) {`);
    code.push(`  if (depth > MAX_DEPTH) throw H.tooDeep(MAX_DEPTH);`);
    code.push(`  if (m === undefined) m = c${index}();`);
    code.push(`  let f = 0;`);
    code.push(`  try {`);
    code.push(`    while (r.pos < end) {`);
    // f names the field in error paths; a tag that cannot be read belongs to no field yet.
    code.push(`      f = 0;`);
    code.push(`      const t = r.tag();`);
    code.push(`      f = t >>> 3;`);
    code.push(`      switch (t) {`);
    for (const field of message.fields) code.push(...fieldCases(message, field));
    code.push(`        default: H.other(r, t, I${index});`);
    code.push(`      }`);
    code.push(`    }`);
    code.push(`    if (r.pos !== end) throw H.overrun(r, end);`);
    for (const field of message.fields.filter((f) => f.required)) {
      code.push(`    if (m[${JSON.stringify(field.name)}] === undefined) { f = 0; throw H.missing(${JSON.stringify(field.name)}); }`);
    }
    code.push(`  } catch (e) { throw H.at(e, I${index}, f, m); }`);
    code.push(`  return m;`);
    code.push(`}`);
  });

  function fieldCases(message: MessageDef, field: FieldDef): string[] {
    const key = `m[${JSON.stringify(field.name)}]`;
    const tag = (wireType: number): number => tagOf(field.number, wireType);
    const type = field.type;
    if (field.cardinality === 'map') {
      const keyType: ValueType = { kind: 'scalar', scalar: field.mapKey ?? 'string' };
      const valueIsMessage = type.kind === 'message';
      const valueRead = valueIsMessage
        ? `{ const e2 = r.delimited(); v = d${messageIndex(type)}(r, e2, depth + 1, v); }`
        : `v = ${read(type)};`;
      const valueDefault = valueIsMessage ? `c${messageIndex(type)}()` : defaultOf(type);
      const entryInfo = entryInfos.push(mapEntryInfo(keyType, type)) - 1;
      return [
        `        case ${tag(WIRE_DELIMITED)}: {`,
        `          const e = r.delimited();`,
        `          let k = ${defaultOf(keyType)}, v = undefined;`,
        `          while (r.pos < e) {`,
        `            const t2 = r.tag();`,
        `            switch (t2) {`,
        `              case ${tagOf(1, wireTypeOf(keyType))}: k = ${read(keyType)}; break;`,
        `              case ${tagOf(2, wireTypeOf(type))}: ${valueRead} break;`,
        `              default: H.other(r, t2, M${entryInfo});`,
        `            }`,
        `          }`,
        `          if (r.pos !== e) throw H.overrun(r, e);`,
        `          ${key}.set(k, v === undefined ? ${valueDefault} : v);`,
        `          break;`,
        `        }`,
      ];
    }
    if (type.kind === 'message') {
      const decode = `d${messageIndex(type)}`;
      if (field.cardinality === 'repeated') {
        return [`        case ${tag(WIRE_DELIMITED)}: { const e = r.delimited(); ${key}.push(${decode}(r, e, depth + 1, undefined)); break; }`];
      }
      return [
        `        case ${tag(WIRE_DELIMITED)}: { const e = r.delimited(); ${key} = ${decode}(r, e, depth + 1, ${key}); ${clearOneof(message, field)} break; }`,
      ];
    }
    const wireType = wireTypeOf(type);
    if (field.cardinality === 'repeated') {
      const cases = [`        case ${tag(wireType)}: ${key}.push(${read(type)}); break;`];
      if (isPackable(type)) {
        cases.push(
          `        case ${tag(WIRE_DELIMITED)}: { const e = r.delimited(); const a = ${key}; while (r.pos < e) a.push(${read(type)}); if (r.pos !== e) throw H.overrun(r, e); break; }`,
        );
      }
      return cases;
    }
    return [`        case ${tag(wireType)}: ${key} = ${read(type)}; ${clearOneof(message, field)} break;`];
  }

  code.push(...enumTables.values.map((_, index) => `const E${index} = ENUMS[${index}];`));
  code.push(...infos.map((_, index) => `const I${index} = INFOS[${index}];`));
  code.push(...entryInfos.map((_, index) => `const M${index} = ENTRY_INFOS[${index}];`));
  code.push(`return function decodeRoot(r) { return d0(r, r.len, 0, undefined); };`);

  const enumNameTables = enumTables.values.map((name) => {
    const table: Record<number, string> = {};
    for (const value of set.enumOf({ kind: 'enum', typeName: name }).values) {
      if (!(value.number in table)) table[value.number] = value.name;
    }
    return table;
  });
  const factory = new Function('H', 'ENUMS', 'INFOS', 'ENTRY_INFOS', 'MAX_DEPTH', code.join('\n'));
  return factory(helpers, enumNameTables, infos, entryInfos, maxDepth) as MessageDecoder;
}

// Entry fields get no path segment of their own: the map field's `[index]` already says where.
function mapEntryInfo(keyType: ValueType, valueType: ValueType): ReadonlyMap<number, FieldInfo> {
  return new Map([
    [1, { name: '', cardinality: 'singular', expected: `${describeWireType(wireTypeOf(keyType))} for the key` }],
    [2, { name: '', cardinality: 'singular', expected: `${describeWireType(wireTypeOf(valueType))} for the value` }],
  ]);
}

function literal(value: unknown): string {
  if (value === EMPTY_BYTES) return 'H.EMPTY_BYTES';
  if (typeof value === 'bigint') return `${value}n`;
  if (value === undefined) return 'undefined';
  return JSON.stringify(value);
}

function clearOneof(message: MessageDef, field: FieldDef): string {
  if (field.oneof === undefined) return '';
  return message.fields
    .filter((other) => other.oneof === field.oneof && other !== field)
    .map((other) => `if (m[${JSON.stringify(other.name)}] !== undefined) m[${JSON.stringify(other.name)}] = undefined;`)
    .join(' ');
}

function fieldInfos(message: MessageDef): ReadonlyMap<number, FieldInfo> {
  return new Map(
    message.fields.map((field) => {
      const wireType = field.cardinality === 'map' ? WIRE_DELIMITED : wireTypeOf(field.type);
      const packedToo = field.cardinality === 'repeated' && isPackable(field.type);
      const expected = `${describeWireType(wireType)}${packedToo ? ` or ${describeWireType(WIRE_DELIMITED)} (packed)` : ''}`;
      return [field.number, { name: field.name, cardinality: field.cardinality, expected }];
    }),
  );
}

/** Numbers each distinct value so generated code can refer to it as `<prefix><n>`. */
class Indexed<T> {
  private readonly indexes = new Map<T, number>();
  readonly values: T[] = [];

  indexOf(value: T): number {
    let index = this.indexes.get(value);
    if (index === undefined) {
      index = this.values.length;
      this.indexes.set(value, index);
      this.values.push(value);
    }
    return index;
  }
}
