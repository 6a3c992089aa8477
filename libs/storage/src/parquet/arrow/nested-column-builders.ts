import { type Data, type Field, makeData } from 'apache-arrow';
import { ColumnBuilder, INITIAL_CAPACITY } from './column-builder';

/** A group: one builder per child field, each getting one slot per struct slot. */
export class StructColumnBuilder extends ColumnBuilder {
  constructor(
    field: Field,
    readonly children: ColumnBuilder[],
  ) {
    super(field);
  }

  /** A present group; its children are appended separately, one slot each. */
  appendValid(): void {
    this.validity?.valid(this.length);
    this.length++;
  }

  appendNull(): void {
    this.markNull();
    this.length++;
    for (const child of this.children) child.appendAbsent();
  }

  appendDefault(): void {
    this.appendValid();
    for (const child of this.children) child.appendAbsent();
  }

  truncate(length: number): void {
    this.truncateValidity(length);
    this.length = length;
    for (const child of this.children) child.truncate(length);
  }

  byteSize(): number {
    let bytes = this.validityBytes();
    for (const child of this.children) bytes += child.byteSize();
    return bytes;
  }

  finish(): Data {
    const length = this.length;
    const { nullBitmap, nullCount } = this.finishValidity();
    const children = this.children.map((child) => child.finish());
    this.length = 0;
    return makeData({ type: this.field.type, length, nullCount, nullBitmap, children } as Parameters<typeof makeData>[0]);
  }
}

/**
 * A list (or, as MapColumnBuilder, a map): elements are appended to `child`, then
 * `endList()` closes the slot with every element appended since the previous one.
 */
export class ListColumnBuilder extends ColumnBuilder {
  private offsets = new Int32Array(INITIAL_CAPACITY + 1);

  constructor(
    field: Field,
    readonly child: ColumnBuilder,
  ) {
    super(field);
  }

  endList(): void {
    this.validity?.valid(this.length);
    this.close();
  }

  appendNull(): void {
    this.markNull();
    this.close();
  }

  appendDefault(): void {
    this.endList();
  }

  truncate(length: number): void {
    this.truncateValidity(length);
    this.length = length;
    this.child.truncate(this.offsets[length]);
  }

  byteSize(): number {
    return 4 * (this.length + 1) + this.validityBytes() + this.child.byteSize();
  }

  finish(): Data {
    const length = this.length;
    const valueOffsets = this.offsets.subarray(0, length + 1);
    const { nullBitmap, nullCount } = this.finishValidity();
    const child = this.child.finish();
    this.offsets = new Int32Array(Math.max(INITIAL_CAPACITY, length) + 1);
    this.length = 0;
    return makeData({ type: this.field.type, length, nullCount, nullBitmap, valueOffsets, child } as Parameters<typeof makeData>[0]);
  }

  private close(): void {
    const index = this.length + 1;
    if (index === this.offsets.length) {
      const offsets = new Int32Array(this.offsets.length * 2);
      offsets.set(this.offsets);
      this.offsets = offsets;
    }
    this.offsets[index] = this.child.length;
    this.length = index;
  }
}

/** A map: a list of `key_value` entries. Per entry: a key, a value, then `appendEntry()`. */
export class MapColumnBuilder extends ListColumnBuilder {
  readonly entries: StructColumnBuilder;
  readonly keys: ColumnBuilder;
  readonly values: ColumnBuilder;

  constructor(field: Field, entries: StructColumnBuilder) {
    super(field, entries);
    this.entries = entries;
    [this.keys, this.values] = entries.children;
  }

  appendEntry(): void {
    this.entries.appendValid();
  }
}
