import { type Data, type DataType, type Field, RecordBatch, type Schema, Type } from 'apache-arrow';

/**
 * Why `batch` cannot be written as rows of `expected` (the writer's Arrow schema), or
 * nothing: the same field names in the same order, the same types (names of list
 * elements and map entries aside), and no null where `expected` has a non-nullable field
 * (unless a null parent group hides it, as Arrow allows). A batch may be stricter than
 * the schema (non-nullable where it is nullable).
 */
export function recordBatchProblems(expected: Schema, batch: RecordBatch): string[] {
  // Another copy of apache-arrow (its ESM build beside this CommonJS one, say) would serialise it wrongly.
  if (!(batch instanceof RecordBatch)) return ['not a RecordBatch of the apache-arrow this library loads (another copy or build of apache-arrow?)'];
  const problems: string[] = [];
  const actual = batch.schema.fields;
  if (actual.length !== expected.fields.length || actual.some((field, i) => field.name !== expected.fields[i].name)) {
    problems.push(`columns ${actual.map((f) => f.name).join(', ')}, expected ${expected.fields.map((f) => f.name).join(', ')}`);
    return problems;
  }
  expected.fields.forEach((field, i) => compareTypes(field, actual[i].type, field.name, problems));
  if (problems.length > 0) return problems;
  expected.fields.forEach((field, i) => findNulls(field, batch.data.children[i], field.name, undefined, problems));
  return problems;
}

/** Whether two schemas are the same to the last name and nullability (then a batch of one is a batch of the other as is). */
export function sameArrowSchema(a: Schema, b: Schema): boolean {
  return a === b || (a.fields.length === b.fields.length && a.fields.every((field, i) => sameField(field, b.fields[i])));
}

function sameField(a: Field, b: Field): boolean {
  return (
    a.name === b.name &&
    a.nullable === b.nullable &&
    sameType(a.type, b.type) &&
    a.type.children?.length === b.type.children?.length &&
    (a.type.children ?? []).every((child: Field, i: number) => sameField(child, b.type.children[i]))
  );
}

function compareTypes(expected: Field, actual: DataType, path: string, problems: string[]): void {
  const type = expected.type;
  if (!sameType(type, actual)) {
    problems.push(`${path}: type ${String(actual)}, expected ${String(type)}`);
    return;
  }
  switch (type.typeId) {
    case Type.Struct:
      if (actual.children.length !== type.children.length || actual.children.some((child: Field, i: number) => child.name !== type.children[i].name)) {
        problems.push(`${path}: fields ${actual.children.map((c: Field) => c.name).join(', ')}, expected ${type.children.map((c: Field) => c.name).join(', ')}`);
        return;
      }
      type.children.forEach((child: Field, i: number) => compareTypes(child, actual.children[i].type, `${path}.${child.name}`, problems));
      return;
    case Type.List:
      compareTypes(type.children[0], actual.children[0].type, `${path}[]`, problems);
      return;
    case Type.Map: {
      const [key, value] = type.children[0].type.children as Field[];
      const [actualKey, actualValue] = actual.children[0].type.children as Field[];
      compareTypes(key, actualKey.type, `${path}{}.key`, problems);
      compareTypes(value, actualValue.type, `${path}{}.value`, problems);
      return;
    }
  }
}

function sameType(expected: DataType, actual: DataType): boolean {
  if (expected.typeId !== actual.typeId) return false;
  const a = expected as unknown as Record<string, unknown>;
  const b = actual as unknown as Record<string, unknown>;
  switch (expected.typeId) {
    case Type.Int:
      return a.bitWidth === b.bitWidth && a.isSigned === b.isSigned;
    case Type.Float:
      return a.precision === b.precision;
    case Type.Timestamp:
      return a.unit === b.unit && (a.timezone ?? null) === (b.timezone ?? null);
    default:
      return true;
  }
}

/**
 * Nulls in non-nullable fields. `parentValid` says which slots a null parent group hides
 * (undefined: none is hidden).
 */
function findNulls(field: Field, data: Data, path: string, parentValid: ((slot: number) => boolean) | undefined, problems: string[]): void {
  const nulls = data.nullCount > 0;
  if (nulls && !field.nullable) {
    for (let slot = 0; slot < data.length; slot++) {
      if (!data.getValid(slot) && (!parentValid || parentValid(slot))) {
        problems.push(`${path}: null in a non-nullable field (slot ${slot})`);
        return;
      }
    }
  }
  const type = field.type;
  switch (type.typeId) {
    case Type.Struct: {
      const valid = nulls || parentValid ? (slot: number) => data.getValid(slot) && (!parentValid || parentValid(slot)) : undefined;
      type.children.forEach((child: Field, i: number) => findNulls(child, data.children[i], `${path}.${child.name}`, valid, problems));
      return;
    }
    case Type.List:
      findNulls(type.children[0], data.children[0], `${path}[]`, undefined, problems);
      return;
    case Type.Map: {
      const [key, value] = type.children[0].type.children as Field[];
      findNulls(key, data.children[0].children[0], `${path}{}.key`, undefined, problems);
      findNulls(value, data.children[0].children[1], `${path}{}.value`, undefined, problems);
      return;
    }
  }
}
