import { leafCoercer, ValueProblem, type ByteCounter } from './leaf-values';
import type { ParquetField } from './parquet-schema';
import { childPath } from './schema-validation';

/**
 * How a writer wants nested values:
 * - `plain`: as parquet-schema.ts describes rows (hyparquet-writer walks them itself):
 *   a group is an object, a list an array of elements, a map an array of `{ key, value }`;
 * - `spelled-out`: every level of the Parquet structure spelled out (parquetjs-lite):
 *   a list is `{ list: [{ element }] }`, a map `{ key_value: [{ key, value }] }`.
 */
export type NestingStyle = 'plain' | 'spelled-out';

/** Checks and converts one field's value (see leaf-values.ts), adding its size to the counter. */
export type FieldPreparer = (value: unknown, counter: ByteCounter) => unknown;

/** The checks of a row's shape that every writer makes, with the same messages. */
export const rowShape = {
  required(path: string): ValueProblem {
    return new ValueProblem(path, 'a value is required');
  },
  group(value: unknown, path: string): Record<string, unknown> {
    if (typeof value !== 'object' || Array.isArray(value) || value instanceof Uint8Array || value instanceof Date) {
      throw new ValueProblem(path, 'expected an object for a group');
    }
    return value as Record<string, unknown>;
  },
  list(value: unknown, path: string): unknown[] {
    if (!Array.isArray(value)) throw new ValueProblem(path, 'expected an array for a list');
    return value;
  },
  map(value: unknown, path: string): unknown[] {
    if (!Array.isArray(value)) throw new ValueProblem(path, 'expected an array of { key, value } entries for a map');
    return value;
  },
  mapEntry(entry: unknown, path: string): { key?: unknown; value?: unknown } {
    if (typeof entry !== 'object' || entry === null) throw new ValueProblem(path, 'expected { key, value } map entries');
    return entry as { key?: unknown; value?: unknown };
  },
};

export function fieldPreparer(field: ParquetField, path: string, style: NestingStyle): FieldPreparer {
  const prepare = presentValuePreparer(field, path, style);
  if (field.repetition === 'REQUIRED') {
    return (value, counter) => {
      if (value === null || value === undefined) throw rowShape.required(path);
      return prepare(value, counter);
    };
  }
  return (value, counter) => {
    if (value === null || value === undefined) {
      counter.bytes += 1;
      return null;
    }
    return prepare(value, counter);
  };
}

function presentValuePreparer(field: ParquetField, path: string, style: NestingStyle): FieldPreparer {
  switch (field.kind) {
    case 'primitive':
      return leafCoercer(field, path);
    case 'group': {
      const children = field.fields.map((child) => ({
        name: child.name,
        prepare: fieldPreparer(child, childPath(path, child.name), style),
      }));
      return (value, counter) => {
        const input = rowShape.group(value, path);
        const output: Record<string, unknown> = {};
        for (const child of children) output[child.name] = child.prepare(input[child.name], counter);
        return output;
      };
    }
    case 'list': {
      const prepareElement = fieldPreparer(field.element, `${path}[]`, style);
      return (value, counter) => {
        const list = rowShape.list(value, path);
        const elements = new Array<unknown>(list.length);
        for (let i = 0; i < list.length; i++) elements[i] = prepareElement(list[i], counter);
        counter.bytes += 1;
        return style === 'plain' ? elements : { list: elements.map((element) => ({ element })) };
      };
    }
    case 'map': {
      const prepareKey = fieldPreparer(field.key, `${path}{}.key`, style);
      const prepareValue = fieldPreparer(field.value, `${path}{}.value`, style);
      return (value, counter) => {
        const map = rowShape.map(value, path);
        const entries = new Array<{ key: unknown; value: unknown }>(map.length);
        for (let i = 0; i < map.length; i++) {
          const entry = rowShape.mapEntry(map[i], path);
          entries[i] = { key: prepareKey(entry.key, counter), value: prepareValue(entry.value, counter) };
        }
        counter.bytes += 1;
        return style === 'plain' ? entries : { key_value: entries };
      };
    }
  }
}
