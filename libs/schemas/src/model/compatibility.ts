import type { EnumDef, FieldDef, SchemaSet } from './schema-model';

export interface Incompatibility {
  /** The in-use message type whose data would be misread. */
  readonly messageType: string;
  readonly reason: string;
}

/** Finds the schema set a message type comes from in a registry state. */
export type MessageTypeLookup = (typeName: string) => SchemaSet | undefined;

/**
 * Changes that would make data written with the old schema read wrongly with
 * the new one, for the message types in use and everything they contain: a
 * type removed, a field moved to another number, a field number given another
 * type or cardinality, and for the enums those types use (JSON ingest and
 * Parquet columns carry enum values by name): a value removed, a number
 * written under another name, a name moved to another number. Adding or
 * removing fields, adding types and adding enum values are compatible and not
 * reported.
 */
export function findIncompatibilities(
  before: MessageTypeLookup,
  after: MessageTypeLookup,
  typesInUse: Iterable<string>,
): Incompatibility[] {
  const found: Incompatibility[] = [];
  for (const root of typesInUse) {
    const oldSet = before(root);
    if (!oldSet) continue;
    const newSet = after(root);
    if (!newSet) {
      found.push({ messageType: root, reason: `message type ${root} was removed` });
      continue;
    }
    const visited = new Set<string>();
    const comparison: Comparison = {
      oldSet,
      newSet,
      firstVisit: (typeName) => {
        if (visited.has(typeName)) return false;
        visited.add(typeName);
        return true;
      },
      report: (reason) => found.push({ messageType: root, reason }),
    };
    compareMessage(comparison, root);
  }
  return found;
}

/** One in-use root type's walk through the old and new schema sets. */
interface Comparison {
  readonly oldSet: SchemaSet;
  readonly newSet: SchemaSet;
  /** True the first time a (message or enum) type is reached; types reached again are not compared twice. */
  firstVisit(typeName: string): boolean;
  report(reason: string): void;
}

function compareMessage(comparison: Comparison, typeName: string): void {
  if (!comparison.firstVisit(typeName)) return;
  const oldDef = comparison.oldSet.message(typeName);
  const newDef = comparison.newSet.message(typeName);
  if (!oldDef || !newDef) return;
  const newByName = new Map(newDef.fields.map((field) => [field.name, field]));
  const newByNumber = new Map(newDef.fields.map((field) => [field.number, field]));
  for (const oldField of oldDef.fields) {
    const renumbered = newByName.get(oldField.name);
    if (renumbered && renumbered.number !== oldField.number) {
      comparison.report(`${typeName}.${oldField.name} changed number from ${oldField.number} to ${renumbered.number}`);
    }
    const sameNumber = newByNumber.get(oldField.number);
    if (!sameNumber) continue;
    if (describe(sameNumber) !== describe(oldField)) {
      comparison.report(
        `${typeName} field ${oldField.number} (${oldField.name}) changed type from ${describe(oldField)} to ${describe(sameNumber)}`,
      );
      continue;
    }
    if (oldField.type.kind === 'message' || oldField.type.kind === 'group') compareMessage(comparison, oldField.type.typeName);
    else if (oldField.type.kind === 'enum') compareEnum(comparison, oldField.type.typeName);
  }
}

function compareEnum(comparison: Comparison, typeName: string): void {
  if (!comparison.firstVisit(typeName)) return;
  const oldDef = comparison.oldSet.enum(typeName);
  const newDef = comparison.newSet.enum(typeName);
  if (!oldDef || !newDef) return;
  const oldWritten = writtenNames(oldDef);
  const newWritten = writtenNames(newDef);
  const newByName = new Map(newDef.values.map((value) => [value.name, value.number]));
  const report = (reason: string) => comparison.report(`enum ${typeName} value ${reason}`);
  for (const { name, number } of oldDef.values) {
    const newNumber = newByName.get(name);
    const writtenAs = newWritten.get(number);
    if (newNumber !== undefined && newNumber !== number) {
      report(`${name} changed number from ${number} to ${newNumber}`);
    } else if (oldWritten.get(number) === name && writtenAs !== undefined && writtenAs !== name) {
      // Also an alias declared before the old name: the number is now written as the alias.
      report(`${number} renamed from ${name} to ${writtenAs}`);
    } else if (newNumber === undefined) {
      report(`${name} (${number}) was removed`);
    }
  }
}

/** The name each number is written as (JSON, Parquet): the first declared, as the codecs do. */
function writtenNames(def: EnumDef): Map<number, string> {
  const names = new Map<number, string>();
  for (const { name, number } of def.values) if (!names.has(number)) names.set(number, name);
  return names;
}

function describe(field: FieldDef): string {
  const type = field.type.kind === 'scalar' ? field.type.scalar : field.type.typeName;
  if (field.cardinality === 'map') return `map<${field.mapKey}, ${type}>`;
  return field.cardinality === 'repeated' ? `repeated ${type}` : type;
}
