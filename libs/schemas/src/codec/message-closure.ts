import { InvalidSchemaError } from '../errors';
import type { SchemaSet } from '../model/schema-model';

/**
 * The message types reachable from a root type, root first, each once. Code
 * generators emit one function per type in it so nested calls are direct.
 */
export function messageClosure(set: SchemaSet, rootType: string): string[] {
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (typeName: string): void => {
    if (seen.has(typeName)) return;
    seen.add(typeName);
    order.push(typeName);
    for (const field of set.messageOf({ kind: 'message', typeName }).fields) {
      if (field.type.kind === 'group') {
        throw new InvalidSchemaError(`${typeName}.${field.name}: proto2 group fields are not supported`);
      }
      if (field.type.kind === 'message') visit(field.type.typeName);
    }
  };
  visit(rootType);
  return order;
}
