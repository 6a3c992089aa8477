import type { FieldDef, SchemaSet } from './schema-model';

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
 * type or cardinality. Adding or removing fields, adding types and renaming
 * enum values are compatible and not reported.
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
    compareMessage(oldSet, newSet, root, root, new Set(), found);
  }
  return found;
}

function compareMessage(
  oldSet: SchemaSet,
  newSet: SchemaSet,
  root: string,
  typeName: string,
  visited: Set<string>,
  found: Incompatibility[],
): void {
  if (visited.has(typeName)) return;
  visited.add(typeName);
  const oldDef = oldSet.message(typeName);
  const newDef = newSet.message(typeName);
  if (!oldDef || !newDef) return;
  const newByName = new Map(newDef.fields.map((field) => [field.name, field]));
  const newByNumber = new Map(newDef.fields.map((field) => [field.number, field]));
  for (const oldField of oldDef.fields) {
    const renumbered = newByName.get(oldField.name);
    if (renumbered && renumbered.number !== oldField.number) {
      found.push({
        messageType: root,
        reason: `${typeName}.${oldField.name} changed number from ${oldField.number} to ${renumbered.number}`,
      });
    }
    const sameNumber = newByNumber.get(oldField.number);
    if (!sameNumber) continue;
    if (describe(sameNumber) !== describe(oldField)) {
      found.push({
        messageType: root,
        reason: `${typeName} field ${oldField.number} (${oldField.name}) changed type from ${describe(oldField)} to ${describe(sameNumber)}`,
      });
      continue;
    }
    if (oldField.type.kind === 'message' || oldField.type.kind === 'group') {
      compareMessage(oldSet, newSet, root, oldField.type.typeName, visited, found);
    }
  }
}

function describe(field: FieldDef): string {
  const type = field.type.kind === 'scalar' ? field.type.scalar : field.type.typeName;
  if (field.cardinality === 'map') return `map<${field.mapKey}, ${type}>`;
  return field.cardinality === 'repeated' ? `repeated ${type}` : type;
}
