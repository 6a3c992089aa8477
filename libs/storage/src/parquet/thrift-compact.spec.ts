import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { Table as WasmTable, writeParquet } from 'parquet-wasm/node';
import { readFooter } from './parquet-wasm/row-group-splicer';
import { CompactReader, CompactType, writeBinary, writeI32, writeList, writeStruct } from './thrift-compact';

describe('Thrift compact structs', () => {
  it('writes a Parquet footer back byte for byte from its fields', () => {
    const file = writeParquet(
      WasmTable.fromIPCStream(tableToIPC(tableFromArrays({ id: Int32Array.from([1, 2, 3]), name: ['a', 'b', 'ü'] }), 'stream')),
    );
    const length = Buffer.from(file.buffer, file.byteOffset).readUInt32LE(file.length - 8);
    const footer = file.subarray(file.length - 8 - length, file.length - 8);
    const rewrite = (bytes: Uint8Array): Uint8Array =>
      writeStruct(
        new CompactReader(bytes).struct().map((field) => {
          if (field.type === CompactType.STRUCT) return { ...field, value: rewrite(field.value) };
          if (field.type !== CompactType.LIST) return field;
          const { elementType, elements } = new CompactReader(field.value).list();
          return { ...field, value: writeList(elementType, elementType === CompactType.STRUCT ? elements.map(rewrite) : elements) };
        }),
      );
    expect(Buffer.from(rewrite(footer))).toEqual(Buffer.from(footer));
    expect(readFooter(file).map((field) => field.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('encodes long field ids, long lists, zigzag integers and strings', () => {
    const elements = Array.from({ length: 20 }, (_, i) => writeI32(i - 10));
    const bytes = writeStruct([
      { id: 1, type: CompactType.I32, value: writeI32(-1) },
      { id: 40, type: CompactType.BINARY, value: writeBinary('ünïcode') },
      { id: 41, type: CompactType.LIST, value: writeList(CompactType.I32, elements) },
      { id: 42, type: CompactType.BOOLEAN_TRUE, value: new Uint8Array(0) },
    ]);
    const fields = new CompactReader(bytes).struct();
    expect(fields.map((f) => [f.id, f.type])).toEqual([
      [1, CompactType.I32],
      [40, CompactType.BINARY],
      [41, CompactType.LIST],
      [42, CompactType.BOOLEAN_TRUE],
    ]);
    expect(new CompactReader(fields[0].value).zigzag32()).toBe(-1);
    expect(Buffer.from(new CompactReader(fields[1].value).binary()).toString()).toBe('ünïcode');
    expect(new CompactReader(fields[2].value).list().elements.map((e) => new CompactReader(e).zigzag32())).toEqual(elements.map((_, i) => i - 10));
  });
});
