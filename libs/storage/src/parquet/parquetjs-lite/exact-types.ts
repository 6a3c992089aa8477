// parquetjs-lite ships no types. A reference (not an import: the file only declares modules) makes
// the declarations travel with this source into every program that compiles it from source.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./parquetjs-lite.d.ts" />
import { ConvertedType } from 'parquetjs-lite/gen-nodejs/parquet_types';
import { PARQUET_LOGICAL_TYPES } from 'parquetjs-lite/lib/types';

/**
 * parquetjs-lite converts every value with its type's `toPrimitive`, and some of those
 * lose data: INT64 / INT_64 / UINT_64 / TIMESTAMP_* go through `parseInt` (exact only up to
 * 2^53), UINT_32 above 2^31 is refused by `writeInt32LE`, FLOAT/DOUBLE refuse NaN, ENUM is
 * annotated UTF8 and JSON stringifies strings a second time.
 *
 * Rather than patch those built-in types, this registers additional ones under names of
 * our own (`eventpath:…`), whose conversions are exact for the values leaf-values.ts
 * produces, and teaches the Thrift enum which converted type each stands for. Both tables
 * only gain keys, so nothing else using parquetjs-lite in the process changes behaviour
 * (a reader's reverse lookup finds the original names first).
 */
const EXACT_TYPES: Record<string, { primitiveType: string; convertedType?: string; toPrimitive: (value: unknown) => unknown }> = {
  'eventpath:INT64': { primitiveType: 'INT64', toPrimitive: (v) => v },
  'eventpath:INT_64': { primitiveType: 'INT64', convertedType: 'INT_64', toPrimitive: (v) => v },
  // The bits of an unsigned 64-bit value, as the signed value writeBigInt64LE takes.
  'eventpath:UINT_64': { primitiveType: 'INT64', convertedType: 'UINT_64', toPrimitive: (v) => BigInt.asIntN(64, v as bigint) },
  'eventpath:UINT_32': { primitiveType: 'INT32', convertedType: 'UINT_32', toPrimitive: (v) => (v as number) | 0 },
  'eventpath:TIMESTAMP_MILLIS': { primitiveType: 'INT64', convertedType: 'TIMESTAMP_MILLIS', toPrimitive: (v) => v },
  'eventpath:TIMESTAMP_MICROS': { primitiveType: 'INT64', convertedType: 'TIMESTAMP_MICROS', toPrimitive: (v) => v },
  // Not adjusted to UTC: no converted type (the legacy TIMESTAMP_* ones mean UTC), only the logical type.
  'eventpath:LOCAL_TIMESTAMP_MILLIS': { primitiveType: 'INT64', toPrimitive: (v) => v },
  'eventpath:LOCAL_TIMESTAMP_MICROS': { primitiveType: 'INT64', toPrimitive: (v) => v },
  'eventpath:FLOAT': { primitiveType: 'FLOAT', toPrimitive: (v) => v },
  'eventpath:DOUBLE': { primitiveType: 'DOUBLE', toPrimitive: (v) => v },
  'eventpath:ENUM': { primitiveType: 'BYTE_ARRAY', convertedType: 'ENUM', toPrimitive: (v) => Buffer.from(v as string, 'utf8') },
  'eventpath:JSON': { primitiveType: 'BYTE_ARRAY', convertedType: 'JSON', toPrimitive: (v) => Buffer.from(v as string, 'utf8') },
};

export type ExactTypeName = keyof typeof EXACT_TYPES;

/**
 * The TIMESTAMP logical type of each timestamp type name: parquetjs-lite writes converted
 * types only, so the footer writer (envelope-writer.ts) adds it.
 */
const TIMESTAMP_TYPES: Record<string, { unit: 'MILLIS' | 'MICROS'; isAdjustedToUTC: boolean }> = {
  'eventpath:TIMESTAMP_MILLIS': { unit: 'MILLIS', isAdjustedToUTC: true },
  'eventpath:TIMESTAMP_MICROS': { unit: 'MICROS', isAdjustedToUTC: true },
  'eventpath:LOCAL_TIMESTAMP_MILLIS': { unit: 'MILLIS', isAdjustedToUTC: false },
  'eventpath:LOCAL_TIMESTAMP_MICROS': { unit: 'MICROS', isAdjustedToUTC: false },
};

export function timestampOfType(typeName: string | undefined): { unit: 'MILLIS' | 'MICROS'; isAdjustedToUTC: boolean } | undefined {
  return typeName === undefined ? undefined : TIMESTAMP_TYPES[typeName];
}

let registered = false;

/** Idempotent; called before any parquetjs-lite schema using these names is built. */
export function registerExactTypes(): void {
  if (registered) return;
  for (const [name, type] of Object.entries(EXACT_TYPES)) {
    // `originalType` is both the key parquetjs-lite looks `toPrimitive` up by and the name it
    // maps to a converted type for the footer; a name absent from ConvertedType writes none.
    PARQUET_LOGICAL_TYPES[name] = { primitiveType: type.primitiveType, originalType: name, toPrimitive: type.toPrimitive, fromPrimitive: (v) => v };
    if (type.convertedType !== undefined) {
      const value = ConvertedType[type.convertedType];
      if (value === undefined) throw new Error(`parquetjs-lite has no converted type ${type.convertedType}`);
      ConvertedType[name] = value;
    }
  }
  registered = true;
}
