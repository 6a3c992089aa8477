import type { ParquetField } from '../parquet-schema';

/**
 * hyparquet-writer 0.17.0 keys its dictionaries with a JavaScript Map, which treats -0 and +0
 * as one key: in a dictionary-encoded FLOAT or DOUBLE column chunk, every zero then reads
 * back with the sign of the first zero. A column chunk holding a -0 must therefore be
 * written without a dictionary (see HyparquetBackend); chunks without one keep theirs.
 *
 * Returns a test for a -0 anywhere in a prepared (`plain`) value of `field`, or undefined
 * when the field has no FLOAT or DOUBLE leaf (nothing to look for).
 */
export function negativeZeroFinder(field: ParquetField): ((value: unknown) => boolean) | undefined {
  switch (field.kind) {
    case 'primitive':
      return field.physicalType === 'FLOAT' || field.physicalType === 'DOUBLE' ? (value) => Object.is(value, -0) : undefined;
    case 'group': {
      const children = field.fields.flatMap((child) => {
        const find = negativeZeroFinder(child);
        return find ? [{ name: child.name, find }] : [];
      });
      if (children.length === 0) return undefined;
      return (value) => {
        if (value === null || value === undefined) return false;
        const group = value as Record<string, unknown>;
        return children.some((child) => child.find(group[child.name]));
      };
    }
    case 'list': {
      const find = negativeZeroFinder(field.element);
      return find && ((value) => Array.isArray(value) && value.some(find));
    }
    case 'map': {
      const inKey = negativeZeroFinder(field.key);
      const inValue = negativeZeroFinder(field.value);
      if (!inKey && !inValue) return undefined;
      return (value) =>
        Array.isArray(value) &&
        value.some((entry: { key: unknown; value: unknown }) => (inKey?.(entry.key) ?? false) || (inValue?.(entry.value) ?? false));
    }
  }
}
