import type { ParquetField, ParquetSchema } from '../parquet-schema';
import { CompactReader, CompactType, type CompactField, writeBinary, writeI32, writeList, writeStruct } from '../thrift-compact';

/**
 * What the parquet-wasm writer changes in the FileMetaData arrow-rs wrote, before the
 * footer goes to the file:
 *
 * - key-value metadata: the caller's entries (given at creation or set until close) are
 *   added after arrow-rs's own `ARROW:schema` entry, replacing entries with the same key;
 * - annotations Arrow cannot express: ENUM and JSON on their BYTE_ARRAY leaves (arrow-rs
 *   writes STRING), INTEGER(64, signed) on annotated INT64 leaves (arrow-rs writes none),
 *   and no TIMESTAMP_* converted type on timestamps not adjusted to UTC (the converted
 *   types mean "adjusted to UTC"; the logical type arrow-rs writes says it right).
 *
 * The schema elements are walked against the ParquetSchema (names checked), so a layout
 * other than the expected one fails rather than annotating the wrong column.
 */
export function patchFileMetaData(fields: readonly CompactField[], schema: ParquetSchema, keyValueMetadata: Readonly<Record<string, string>>): CompactField[] {
  const schemaField = fields.find((field) => field.id === SCHEMA);
  if (!schemaField) throw new Error('Parquet footer: no schema');
  const existing = fields.find((field) => field.id === KEY_VALUE_METADATA);
  return [
    ...fields.filter((field) => field.id !== SCHEMA && field.id !== KEY_VALUE_METADATA),
    { id: SCHEMA, type: CompactType.LIST, value: annotatedSchema(schemaField.value, schema) },
    { id: KEY_VALUE_METADATA, type: CompactType.LIST, value: mergedKeyValueMetadata(existing?.value, keyValueMetadata) },
  ];
}

// FileMetaData fields.
const SCHEMA = 2;
const KEY_VALUE_METADATA = 5;
// SchemaElement fields.
const NAME = 4;
const CONVERTED_TYPE = 6;
const LOGICAL_TYPE = 10;
// ConvertedType values.
const ENUM = 4;
const INT_64 = 18;
const JSON_CONVERTED = 19;

type Edit = (fields: CompactField[]) => CompactField[];

const withoutConvertedType: Edit = (fields) => fields.filter((field) => field.id !== CONVERTED_TYPE);
const annotate =
  (convertedType: number, logicalType: Uint8Array): Edit =>
  (fields) => [
    ...fields.filter((field) => field.id !== CONVERTED_TYPE && field.id !== LOGICAL_TYPE),
    { id: CONVERTED_TYPE, type: CompactType.I32, value: writeI32(convertedType) },
    { id: LOGICAL_TYPE, type: CompactType.STRUCT, value: logicalType },
  ];
/** A LogicalType union holding an empty struct as member `member`. */
const emptyMember = (member: number) => writeStruct([{ id: member, type: CompactType.STRUCT, value: writeStruct([]) }]);
const SIGNED_64 = writeStruct([
  {
    id: 10, // INTEGER
    type: CompactType.STRUCT,
    value: writeStruct([
      { id: 1, type: CompactType.BYTE, value: Uint8Array.of(64) },
      { id: 2, type: CompactType.BOOLEAN_TRUE, value: new Uint8Array(0) },
    ]),
  },
]);
const EDITS = {
  enum: annotate(ENUM, emptyMember(4)),
  json: annotate(JSON_CONVERTED, emptyMember(12)),
  signed64: annotate(INT_64, SIGNED_64),
  localTimestamp: withoutConvertedType,
};

/** The schema elements arrow-rs writes for a ParquetSchema (root first, depth first), with what to change in each. */
function expectedElements(schema: ParquetSchema): { name: string | undefined; edit?: Edit }[] {
  const elements: { name: string | undefined; edit?: Edit }[] = [{ name: undefined }];
  const add = (field: ParquetField, name: string): void => {
    switch (field.kind) {
      case 'primitive': {
        const logical = field.logicalType;
        const edit =
          logical?.type === 'ENUM'
            ? EDITS.enum
            : logical?.type === 'JSON'
              ? EDITS.json
              : logical?.type === 'INTEGER' && logical.bitWidth === 64 && logical.signed
                ? EDITS.signed64
                : logical?.type === 'TIMESTAMP' && !logical.isAdjustedToUTC
                  ? EDITS.localTimestamp
                  : undefined;
        elements.push({ name, edit });
        return;
      }
      case 'group':
        elements.push({ name });
        for (const child of field.fields) add(child, child.name);
        return;
      case 'list':
        elements.push({ name }, { name: 'list' });
        add(field.element, 'element');
        return;
      case 'map':
        elements.push({ name }, { name: 'key_value' });
        add(field.key, 'key');
        add(field.value, 'value');
        return;
    }
  };
  for (const field of schema.fields) add(field, field.name);
  return elements;
}

function annotatedSchema(list: Uint8Array, schema: ParquetSchema): Uint8Array {
  const { elementType, elements } = new CompactReader(list).list();
  const expected = expectedElements(schema);
  if (elements.length !== expected.length) {
    throw new Error(`Parquet footer: ${elements.length} schema elements, expected ${expected.length}`);
  }
  const decoder = new TextDecoder();
  return writeList(
    elementType,
    elements.map((element, index) => {
      const { name, edit } = expected[index];
      if (name === undefined && !edit) return element;
      const fields = new CompactReader(element).struct();
      const nameField = fields.find((field) => field.id === NAME);
      const actual = nameField ? decoder.decode(new CompactReader(nameField.value).binary()) : undefined;
      if (name !== undefined && actual !== name) throw new Error(`Parquet footer: schema element ${index} is ${actual}, expected ${name}`);
      return edit ? writeStruct(edit(fields)) : element;
    }),
  );
}

function mergedKeyValueMetadata(list: Uint8Array | undefined, entries: Readonly<Record<string, string>>): Uint8Array {
  const decoder = new TextDecoder();
  const kept = list
    ? new CompactReader(list).list().elements.filter((element) => {
        const key = new CompactReader(element).struct().find((field) => field.id === 1);
        return !key || !Object.hasOwn(entries, decoder.decode(new CompactReader(key.value).binary()));
      })
    : [];
  const added = Object.entries(entries).map(([key, value]) =>
    writeStruct([
      { id: 1, type: CompactType.BINARY, value: writeBinary(key) },
      { id: 2, type: CompactType.BINARY, value: writeBinary(value) },
    ]),
  );
  return writeList(CompactType.STRUCT, [...kept, ...added]);
}
