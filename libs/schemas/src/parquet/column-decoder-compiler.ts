import type { BinaryColumnBuilder, BooleanColumnBuilder, ColumnBuilder, Int64ColumnBuilder, Utf8ColumnBuilder } from '@eventpath/storage';
import { compileDecoder, type MessageDecoder } from '../codec/decoder-compiler';
import { defaultValueOf, EMPTY_BYTES } from '../codec/default-values';
import { ValueProblem } from '../codec/value-problem';
import { WireReader } from '../codec/wire-reader';
import { tagOf, WIRE_DELIMITED, wireTypeOf } from '../codec/wire-types';
import type { JsonContext } from '../json/json-codec';
import { is64BitScalar, isPackable, type FieldDef, type MessageDef, type ScalarType, type SchemaSet } from '../model/schema-model';
import { compiledFor } from '../registry/compiled-cache';
import { columnValues } from './column-values';
import { ColumnWireReader } from './column-wire-reader';
import { jsonColumnText } from './json-column-values';
import { recursionCutProblem, type FieldPlan, type GroupPlan, type MappingPlan, type ValuePlan } from './mapping-plan';
import type { RecordMetadata } from './metadata-columns';
import { metadataValues } from './metadata-values';
import { WRAPPER_TYPES } from '../model/wrapper-types';
import { literal, metadataColumnAppends } from './generated-code';

/** Decodes one record's protobuf bytes straight into the top-level column builders; throws on anything MessageSchema.decode or toRow would refuse (and maybe more). */
export type ColumnDecoder = (bytes: Uint8Array, metadata: RecordMetadata | undefined, columns: readonly ColumnBuilder[], context: JsonContext) => void;

type MappedField = Extract<FieldPlan, { kind: 'mapped' }>;

/**
 * Generates a decoder from protobuf bytes straight into Arrow column builders, for the
 * columns of a mapping plan (the row converter's): one function per group that reads its
 * message's fields into locals (strings as byte ranges of the input, 64-bit integers as two
 * 32-bit words), then appends one value per column. Repeated fields are appended as they
 * come; singular messages are decoded after their parent, from the byte ranges of every
 * occurrence, which is how protobuf merges them; map entries keep the last value of a key
 * at its first position, as decoding into a Map does.
 *
 * It is at least as strict as MessageSchema.decode (the same wire type checks, bounds,
 * nesting limit and required fields, with WireReader's reads); on any error the caller rolls
 * the record back and takes the slow path (decode, then the message converter), which
 * gives the precise DecodeError or ParquetMappingError.
 */
export function compileColumnDecoder(set: SchemaSet, plan: MappingPlan, maxDepth: number): ColumnDecoder {
  const generator = new ColumnDecoderGenerator(set, plan);
  const code = ['"use strict";'];
  for (const group of plan.groups) {
    if (group.index === 0 || group.fields.some((field) => field.kind === 'mapped')) code.push(...generator.groupFunction(group));
  }
  code.push(...generator.rootFunction(), 'return decodeRecord;');
  const factory = new Function('H', 'M', 'W', 'ENUMS', 'KNOWN', 'JSON_TYPES', 'MAX_DEPTH', 'Reader', code.join('\n'));
  return factory(
    decoderHelpers(set, maxDepth, plan.options.recursionDepth),
    metadataValues,
    wrapperDecoders(maxDepth),
    generator.enumTables,
    generator.knownNumbers,
    plan.jsonTypes,
    maxDepth,
    ColumnWireReader,
  ) as ColumnDecoder;
}

class ColumnDecoderGenerator {
  readonly enumTables: Record<number, Buffer>[] = [];
  readonly knownNumbers: Set<number>[] = [];
  private readonly enumIndex = new Map<string, number>();
  private variables = 0;

  constructor(
    private readonly set: SchemaSet,
    private readonly plan: MappingPlan,
  ) {}

  rootFunction(): string[] {
    const lines = [`function decodeRecord(bytes, meta, C, c) {`];
    if (this.plan.options.metadataColumns) lines.push(`  if (meta === undefined) throw M.missing();`);
    lines.push(`  const r = new Reader(bytes);`, `  d0(r, 0, r.len, null, 0, C, c);`);
    if (this.plan.options.metadataColumns) {
      const first = this.plan.root.fields.filter((field) => field.kind === 'mapped').length;
      lines.push(...metadataColumnAppends(first));
    }
    lines.push(`}`);
    return lines;
  }

  /** `d<index>(r, s, e, more, depth, C, c)`: decodes the byte ranges [s, e) and `more` (pairs) of one message into the group's columns C. */
  groupFunction(group: GroupPlan): string[] {
    const message = this.set.messageOf({ kind: 'message', typeName: group.typeName });
    const known = this.knownNumbers.push(new Set(message.fields.map((field) => field.number))) - 1;
    const locals: string[] = [];
    const cases: string[] = [];
    const appends: string[] = [];
    let column = 0;
    for (const field of group.fields) {
      const name = fieldName(field.def);
      if (field.kind === 'cut') {
        locals.push(`let ${name} = false;`);
        for (const tag of tagsOf(field.def)) cases.push(`case ${tag}: ${name} = true; r.skip(${tag & 7}, ${field.def.number}); break;`);
        appends.push(`if (${name}) throw H.tooDeep(${JSON.stringify(field.path)});`);
        continue;
      }
      this.field(message, field, name, `C[${column}]`, locals, cases, appends);
      column++;
    }
    for (const field of message.fields.filter((f) => f.required)) {
      appends.unshift(`if (${presenceOf(field)}) throw H.missing();`);
    }
    return [
      `function d${group.index}(r, s, e, more, depth, C, c) {`,
      `  if (depth > MAX_DEPTH) throw H.tooDeepNesting();`,
      ...locals.map((line) => `  ${line}`),
      `  let range = 0;`,
      `  for (;;) {`,
      `    r.pos = s;`,
      `    while (r.pos < e) {`,
      `      const t = r.tag();`,
      `      switch (t) {`,
      ...cases.map((line) => `        ${line}`),
      `        default: H.other(r, t, KNOWN[${known}]);`,
      `      }`,
      `    }`,
      `    if (r.pos !== e) throw H.overrun();`,
      `    if (more === null || range >= more.length) break;`,
      `    s = more[range++];`,
      `    e = more[range++];`,
      `  }`,
      ...appends.map((line) => `  ${line}`),
      `}`,
    ];
  }

  private field(message: MessageDef, field: MappedField, name: string, column: string, locals: string[], cases: string[], appends: string[]): void {
    const def = field.def;
    const clear = this.clearOneof(message, def);
    if (def.cardinality === 'repeated') {
      const element = `${name}_e`;
      locals.push(`const ${element} = ${column}.child;`);
      if (field.value.kind === 'scalar' || field.value.kind === 'enum') {
        const read = this.appendRead(field.value, element);
        cases.push(`case ${tagOf(def.number, wireTypeOf(def.type))}: ${read} break;`);
        if (isPackable(def.type)) {
          cases.push(`case ${tagOf(def.number, WIRE_DELIMITED)}: { const e2 = r.delimited(); while (r.pos < e2) { ${read} } if (r.pos !== e2) throw H.overrun(); break; }`);
        }
      } else {
        cases.push(`case ${tagOf(def.number, WIRE_DELIMITED)}: { const e2 = r.delimited(); ${this.appendMessage(field.value, element, 'r.pos', 'e2', 'null')} r.pos = e2; break; }`);
      }
      appends.push(`${column}.endList();`);
      return;
    }
    if (def.cardinality === 'map') {
      this.mapField(def, field.value, name, column, locals, cases, appends);
      return;
    }
    const value = field.value;
    if (value.kind === 'scalar' || value.kind === 'enum') {
      const scalar: ScalarType = value.kind === 'enum' ? 'int32' : value.scalar;
      const tag = tagOf(def.number, wireTypeOf(def.type));
      const present = field.optional ? `${name}_p` : undefined;
      if (present) locals.push(`let ${present} = false;`);
      if (scalar === 'string' || scalar === 'bytes') {
        locals.push(`let ${name}_s = -1, ${name}_end = -1;`);
        cases.push(`case ${tag}: { const e2 = r.delimited(); ${name}_s = r.pos; ${name}_end = e2; r.pos = e2; ${present ? `${present} = true;` : ''} ${clear} break; }`);
        const append = scalar === 'string' ? `${column}.appendUtf8(r.buf, ${name}_s, ${name}_end)` : `${column}.appendBytes(r.buf, ${name}_s, ${name}_end)`;
        appends.push(present ? `if (!${present}) ${column}.appendNull(); else ${append};` : `if (${name}_s < 0) ${column}.appendDefault(); else ${append};`);
        return;
      }
      if (is64BitScalar(scalar)) {
        locals.push(`let ${name}_lo = 0, ${name}_hi = 0;`);
        cases.push(`case ${tag}: r.${wordsReader(scalar)}(); ${name}_lo = r.low; ${name}_hi = r.high; ${present ? `${present} = true;` : ''} ${clear} break;`);
        const append = `${column}.appendWords(${name}_lo, ${name}_hi)`;
        appends.push(present ? `if (!${present}) ${column}.appendNull(); else ${append};` : `${append};`);
        return;
      }
      const initial = value.kind === 'enum' ? '0' : literal(defaultValueOf(this.set, def.type));
      locals.push(`let ${name} = ${initial};`);
      cases.push(`case ${tag}: ${name} = r.${scalar}(); ${present ? `${present} = true;` : ''} ${clear} break;`);
      const append = value.kind === 'enum' ? `H.enumName(${column}, ENUMS[${this.enumTable(value.typeName)}], ${name})` : `${column}.append(${name})`;
      appends.push(present ? `if (!${present}) ${column}.appendNull(); else ${append};` : `${append};`);
      return;
    }
    // A singular message: the byte ranges of its occurrences, decoded after this message.
    locals.push(`let ${name}_s = -1, ${name}_end = -1, ${name}_more = null;`);
    cases.push(
      `case ${tagOf(def.number, WIRE_DELIMITED)}: { const e2 = r.delimited(); if (${name}_s < 0) { ${name}_s = r.pos; ${name}_end = e2; } else (${name}_more ??= []).push(r.pos, e2); r.pos = e2; ${clear} break; }`,
    );
    appends.push(`if (${name}_s < 0) ${column}.appendNull(); else { ${this.appendMessage(value, column, `${name}_s`, `${name}_end`, `${name}_more`)} }`);
  }

  /**
   * A map: its entries as read, four slots each: the key (a string key as its byte range,
   * another as its value and 0), then the value (a string or bytes as its byte range, a message
   * as its byte range or -1 when absent, another scalar as its value and 0). A message value
   * given twice in one entry (merged) is left to the slow path.
   */
  private mapField(def: FieldDef, value: ValuePlan, name: string, column: string, locals: string[], cases: string[], appends: string[]): void {
    const keyScalar = def.mapKey ?? 'string';
    const stringKey = keyScalar === 'string';
    const keyTag = tagOf(1, wireTypeOf({ kind: 'scalar', scalar: keyScalar }));
    const valueTag = tagOf(2, wireTypeOf(def.type));
    const valueScalar = value.kind === 'scalar' ? value.scalar : undefined;
    const rangeValue = valueScalar === 'string' || valueScalar === 'bytes';
    const messageValue = value.kind !== 'scalar' && value.kind !== 'enum';
    const readKey = stringKey ? `{ const e3 = r.delimited(); k0 = r.pos; k1 = e3; r.pos = e3; }` : `k0 = r.${keyScalar}();`;
    const readValue = rangeValue
      ? `{ const e3 = r.delimited(); v0 = r.pos; v1 = e3; r.pos = e3; }`
      : messageValue
        ? `{ const e3 = r.delimited(); if (v0 >= 0) throw H.mergedMapValue(); v0 = r.pos; v1 = e3; r.pos = e3; }`
        : `v0 = r.${value.kind === 'enum' ? 'int32' : valueScalar}();`;
    const keyDefault = stringKey ? '0' : literal(defaultValueOf(this.set, { kind: 'scalar', scalar: keyScalar }));
    const valueDefault = rangeValue ? '0' : messageValue ? '-1' : value.kind === 'enum' ? '0' : literal(defaultValueOf(this.set, def.type));
    locals.push(`let ${name} = null;`);
    cases.push(
      `case ${tagOf(def.number, WIRE_DELIMITED)}: { const e2 = r.delimited(); let k0 = ${keyDefault}, k1 = 0, v0 = ${valueDefault}, v1 = 0; ` +
        `while (r.pos < e2) { const t2 = r.tag(); switch (t2) { case ${keyTag}: ${readKey} break; case ${valueTag}: ${readValue} break; default: H.other(r, t2, H.ENTRY); } } ` +
        `if (r.pos !== e2) throw H.overrun(); (${name} ??= []).push(k0, k1, v0, v1); break; }`,
    );
    const [map, entries] = [this.variable(), this.variable()];
    const appendKey = stringKey ? `${map}.keys.appendUtf8(r.buf, ${entries}[i], ${entries}[i + 1]);` : `${map}.keys.append(${entries}[i]);`;
    const v0 = `${entries}[i + 2]`;
    const v1 = `${entries}[i + 3]`;
    let appendValue: string;
    if (messageValue) {
      // An entry without a value holds the empty message.
      appendValue = `if (${v0} < 0) { ${this.appendMessage(value, `${map}.values`, '0', '0', 'null')} } else { ${this.appendMessage(value, `${map}.values`, v0, v1, 'null')} }`;
    } else if (value.kind === 'enum') {
      appendValue = `H.enumName(${map}.values, ENUMS[${this.enumTable(value.typeName)}], ${v0});`;
    } else if (valueScalar === 'string') {
      appendValue = `${map}.values.appendUtf8(r.buf, ${v0}, ${v1});`;
    } else if (valueScalar === 'bytes') {
      appendValue = `${map}.values.appendBytes(r.buf, ${v0}, ${v1});`;
    } else {
      appendValue = `${map}.values.append(${v0});`;
    }
    appends.push(
      `{ const ${map} = ${column}; if (${name} !== null) { const ${entries} = H.lastPerKey(${name}, ${stringKey}, r.buf); ` +
        `for (let i = 0; i < ${entries}.length; i += 4) { ${appendKey} ${appendValue} ${map}.appendEntry(); } } ${map}.endList(); }`,
    );
  }

  /** Statements decoding one message value from ranges into `column` (a message-typed value: group, timestamp, wrapper, JSON, empty). */
  private appendMessage(value: ValuePlan, column: string, start: string, end: string, more: string): string {
    const args = `r, ${start}, ${end}, ${more}, depth + 1`;
    switch (value.kind) {
      case 'group': {
        const struct = this.variable();
        return `{ const ${struct} = ${column}; ${struct}.appendValid(); d${value.group.index}(${args}, ${struct}.children, c); }`;
      }
      case 'timestamp':
        return `H.timestamp(${args}, ${column});`;
      case 'wrapper':
        return `W[${JSON.stringify(value.wrapped)}](${args}, ${column});`;
      case 'json':
        return `H.json(${args}, ${column}, JSON_TYPES[${value.jsonIndex}], c);`;
      case 'empty':
        return `H.empty(${args}, ${column});`;
      default:
        throw new Error(`not a message value: ${value.kind}`);
    }
  }

  /** A statement reading one scalar (or enum) from the wire and appending it to `column`. */
  private appendRead(value: ValuePlan, column: string): string {
    if (value.kind === 'enum') return `H.enumName(${column}, ENUMS[${this.enumTable(value.typeName)}], r.int32());`;
    const scalar = (value as { scalar: ScalarType }).scalar;
    if (is64BitScalar(scalar)) return `r.${wordsReader(scalar)}(); ${column}.appendWords(r.low, r.high);`;
    if (scalar === 'string') return `{ const e2 = r.delimited(); ${column}.appendUtf8(r.buf, r.pos, e2); r.pos = e2; }`;
    if (scalar === 'bytes') return `{ const e2 = r.delimited(); ${column}.appendBytes(r.buf, r.pos, e2); r.pos = e2; }`;
    return `${column}.append(r.${scalar}());`;
  }

  private clearOneof(message: MessageDef, def: FieldDef): string {
    if (def.oneof === undefined) return '';
    return message.fields
      .filter((other) => other.oneof === def.oneof && other !== def)
      .map((other) => {
        const name = fieldName(other);
        if (other.type.kind === 'message') return `${name}_s = -1; ${name}_more = null;`;
        return `${name}_p = false;`;
      })
      .join(' ');
  }

  private enumTable(typeName: string): number {
    let index = this.enumIndex.get(typeName);
    if (index === undefined) {
      const table: Record<number, Buffer> = {};
      for (const value of this.set.enumOf({ kind: 'enum', typeName }).values) {
        if (!(value.number in table)) table[value.number] = Buffer.from(value.name);
      }
      index = this.enumTables.push(table) - 1;
      this.enumIndex.set(typeName, index);
    }
    return index;
  }

  private variable(): string {
    return `x${this.variables++}`;
  }
}

function fieldName(def: FieldDef): string {
  return `f${def.number}`;
}

/** The tags a field may come with. */
function tagsOf(def: FieldDef): number[] {
  if (def.cardinality === 'map') return [tagOf(def.number, WIRE_DELIMITED)];
  const tags = [tagOf(def.number, wireTypeOf(def.type))];
  if (def.cardinality === 'repeated' && isPackable(def.type)) tags.push(tagOf(def.number, WIRE_DELIMITED));
  return tags;
}

/** The condition under which a proto2 required field is missing. */
function presenceOf(def: FieldDef): string {
  const name = fieldName(def);
  if (def.type.kind === 'message') return `${name}_s < 0`;
  return `!${name}_p`;
}

function wordsReader(scalar: ScalarType): string {
  if (scalar === 'sint64') return 'zigzagWords';
  if (scalar === 'fixed64' || scalar === 'sfixed64') return 'fixedWords';
  return 'varintWords';
}


/** A field this decoder has no case for: an error if its number is known (a wrong wire type), else skipped as protobuf requires. */
function otherField(reader: WireReader, tag: number, known: ReadonlySet<number>): void {
  const fieldNumber = tag >>> 3;
  if (fieldNumber === 0) throw new ValueProblem(`invalid field number 0 at offset ${reader.pos}`);
  if (known.has(fieldNumber)) throw new ValueProblem(`field ${fieldNumber} with the wrong wire type ${tag & 7}`);
  reader.skip(tag & 7, fieldNumber);
}

function overrun(): ValueProblem {
  return new ValueProblem('a field runs past the end of its message');
}

function nestingProblem(maxDepth: number): ValueProblem {
  return new ValueProblem(`messages nested more than ${maxDepth} deep`);
}

/** Called from generated code. */
function decoderHelpers(set: SchemaSet, maxDepth: number, recursionDepth: number) {
  const timestampFields = new Set([1, 2]);
  const noFields = new Set<number>();
  return {
    ...columnValues,
    EMPTY_BYTES,
    ENTRY: new Set([1, 2]),
    other: otherField,
    overrun,
    tooDeepNesting(): ValueProblem {
      return nestingProblem(maxDepth);
    },
    tooDeep(path: string): ValueProblem {
      return recursionCutProblem(path, recursionDepth);
    },
    missing(): ValueProblem {
      return new ValueProblem('required field is missing');
    },
    lastPerKey,
    mergedMapValue(): ValueProblem {
      return new ValueProblem('a map value given twice in one entry (merged): left to the decoder');
    },
    enumName(column: Utf8ColumnBuilder, names: Record<number, Buffer>, value: number): void {
      const name = names[value];
      if (name !== undefined) column.appendBytes(name, 0, name.length);
      else column.append(String(value));
    },
    timestamp(reader: ColumnWireReader, start: number, end: number, more: number[] | null, depth: number, column: Int64ColumnBuilder): void {
      if (depth > maxDepth) throw nestingProblem(maxDepth);
      let low = 0;
      let high = 0;
      let nanos = 0;
      for (let range = 0; ; ) {
        reader.pos = start;
        while (reader.pos < end) {
          const tag = reader.tag();
          if (tag === 8) {
            reader.varintWords();
            low = reader.low;
            high = reader.high;
          } else if (tag === 16) nanos = reader.int32();
          else otherField(reader, tag, timestampFields);
        }
        if (reader.pos !== end) throw overrun();
        if (more === null || range >= more.length) break;
        start = more[range++];
        end = more[range++];
      }
      columnValues.micros(column, wordsToInteger(low, high), nanos);
    },
    empty(reader: WireReader, start: number, end: number, more: number[] | null, depth: number, column: BooleanColumnBuilder): void {
      if (depth > maxDepth) throw nestingProblem(maxDepth);
      for (const [from, to] of ranges(start, end, more)) {
        reader.pos = from;
        while (reader.pos < to) otherField(reader, reader.tag(), noFields);
        if (reader.pos !== to) throw overrun();
      }
      column.append(true);
    },
    /** A message stored as its JSON mapping: decoded by the library's decoder, nesting counted from the record's root. */
    json(reader: WireReader, start: number, end: number, more: number[] | null, depth: number, column: Utf8ColumnBuilder, typeName: string, context: JsonContext): void {
      if (depth > maxDepth) throw nestingProblem(maxDepth);
      const decode = compiledFor(set, `decode:${typeName}:${maxDepth - depth}`, (): MessageDecoder => compileDecoder(set, typeName, maxDepth - depth));
      const bytes = more === null ? reader.buf.subarray(start, end) : Buffer.concat(ranges(start, end, more).map(([from, to]) => reader.buf.subarray(from, to)));
      column.append(jsonColumnText(set, typeName, decode(new WireReader(bytes)), context));
    },
  };
}

/**
 * Map entries as read (four slots each, see mapField), with a key given twice holding its
 * last value at its first position: what decoding into a Map gives.
 */
function lastPerKey(entries: unknown[], stringKeys: boolean, buffer: Buffer): unknown[] {
  let repeated = false;
  for (let i = 4; i < entries.length && !repeated; i += 4) {
    for (let j = 0; j < i && !repeated; j += 4) repeated = sameKeyIn(entries, i, entries, j, stringKeys, buffer);
  }
  if (!repeated) return entries;
  const kept: unknown[] = [];
  for (let i = 0; i < entries.length; i += 4) {
    let first = -1;
    for (let j = 0; j < kept.length; j += 4) {
      if (sameKeyIn(kept, j, entries, i, stringKeys, buffer)) {
        first = j;
        break;
      }
    }
    if (first < 0) kept.push(entries[i], entries[i + 1], entries[i + 2], entries[i + 3]);
    else {
      kept[first + 2] = entries[i + 2];
      kept[first + 3] = entries[i + 3];
    }
  }
  return kept;
}

function sameKeyIn(a: unknown[], i: number, b: unknown[], j: number, stringKeys: boolean, buffer: Buffer): boolean {
  if (!stringKeys) return a[i] === b[j];
  const [aStart, aEnd, bStart, bEnd] = [a[i], a[i + 1], b[j], b[j + 1]] as number[];
  if (aEnd - aStart !== bEnd - bStart) return false;
  for (let k = 0; k < aEnd - aStart; k++) if (buffer[aStart + k] !== buffer[bStart + k]) return false;
  return true;
}

/** The ranges a message came in: [start, end) and the pairs of `more`. */
function ranges(start: number, end: number, more: number[] | null): [number, number][] {
  const all: [number, number][] = [[start, end]];
  if (more !== null) for (let i = 0; i < more.length; i += 2) all.push([more[i], more[i + 1]]);
  return all;
}

/** The two's complement 64-bit integer of two words, as a number when it is safe, else a bigint. */
function wordsToInteger(low: number, high: number): number | bigint {
  const signedHigh = high | 0;
  if (signedHigh >= -0x200000 && signedHigh < 0x200000) return signedHigh * 4294967296 + (low >>> 0);
  return BigInt.asIntN(64, (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0));
}

type WrapperDecoder = (reader: ColumnWireReader, start: number, end: number, more: number[] | null, depth: number, column: ColumnBuilder) => void;

/** Decoders of the google.protobuf.*Value wrappers, by wrapped scalar: field 1, or its default when absent. */
function wrapperDecoders(maxDepth: number): Record<string, WrapperDecoder> {
  const valueField = new Set([1]);
  const decoders: Record<string, WrapperDecoder> = {};
  for (const scalar of new Set(Object.values(WRAPPER_TYPES))) {
    const tag = tagOf(1, wireTypeOf({ kind: 'scalar', scalar }));
    const wide = is64BitScalar(scalar);
    const words = wordsReader(scalar) as 'varintWords';
    const delimited = scalar === 'string' || scalar === 'bytes';
    const read = (WireReader.prototype as unknown as Record<ScalarType, () => unknown>)[scalar];
    decoders[scalar] = (reader, start, end, more, depth, column) => {
      if (depth > maxDepth) throw nestingProblem(maxDepth);
      let value: unknown = scalar === 'bool' ? false : 0;
      let low = 0;
      let high = 0;
      let from = -1;
      let to = -1;
      for (let range = 0; ; ) {
        reader.pos = start;
        while (reader.pos < end) {
          const t = reader.tag();
          if (t !== tag) otherField(reader, t, valueField);
          else if (wide) {
            reader[words]();
            low = reader.low;
            high = reader.high;
          } else if (delimited) {
            to = reader.delimited();
            from = reader.pos;
            reader.pos = to;
          } else value = read.call(reader);
        }
        if (reader.pos !== end) throw overrun();
        if (more === null || range >= more.length) break;
        start = more[range++];
        end = more[range++];
      }
      if (wide) (column as Int64ColumnBuilder).appendWords(low, high);
      else if (delimited) {
        if (from < 0) column.appendDefault();
        else if (scalar === 'string') (column as Utf8ColumnBuilder).appendUtf8(reader.buf, from, to);
        else (column as BinaryColumnBuilder).appendBytes(reader.buf, from, to);
      } else (column as unknown as { append(value: unknown): void }).append(value);
    };
  }
  return decoders;
}
