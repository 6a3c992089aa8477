import type { Data, Field } from 'apache-arrow';
import { ValidityBitmap } from './validity-bitmap';

/** Slots a builder reserves before its first growth. */
export const INITIAL_CAPACITY = 256;

/**
 * Builds one Arrow column (or a child of one) from appended values, into typed arrays
 * that grow by doubling: the fast path from rows or protobuf bytes to Arrow, without
 * apache-arrow's generic builders. Values are appended already checked (see
 * row-appender.ts and libs/schemas' column converter); builders do not check them again.
 *
 * Every slot gets exactly one append. Under a null parent, a child still gets a slot:
 * `appendAbsent` (null if nullable, else the type's zero or empty value), so non-nullable
 * children never hold nulls.
 */
export abstract class ColumnBuilder {
  /** Slots appended so far: rows for a top-level column, elements for a list's child. */
  length = 0;
  protected readonly validity: ValidityBitmap | undefined;

  constructor(readonly field: Field) {
    this.validity = field.nullable ? new ValidityBitmap(INITIAL_CAPACITY) : undefined;
  }

  get nullable(): boolean {
    return this.validity !== undefined;
  }

  /** A null slot; only for nullable columns. */
  abstract appendNull(): void;

  /** The zero or empty value of the type (false, 0, "", an empty list, a group of defaults). */
  abstract appendDefault(): void;

  /** Null if the column is nullable, else the default: the slot a child takes under a null parent. */
  appendAbsent(): void {
    if (this.validity) this.appendNull();
    else this.appendDefault();
  }

  /** Forgets every slot from `length` on (undoing a partly appended row). */
  abstract truncate(length: number): void;

  /** Bytes the built Arrow buffers take (values, offsets, bitmaps), children included. */
  abstract byteSize(): number;

  /** The slots appended so far as Arrow data; the builder starts empty again. */
  abstract finish(): Data;

  protected markNull(): void {
    if (!this.validity) throw new Error(`column ${this.field.name} is not nullable`);
    this.validity.null();
  }

  protected truncateValidity(length: number): void {
    this.validity?.truncate(length, this.length);
  }

  protected validityBytes(): number {
    return this.validity ? (this.length + 7) >> 3 : 0;
  }

  /** The validity bitmap and null count to finish with. */
  protected finishValidity(): { nullBitmap: Uint8Array | undefined; nullCount: number } {
    const nullCount = this.validity?.nulls ?? 0;
    return { nullBitmap: this.validity?.finish(this.length), nullCount };
  }
}

/** Room for `needed` elements: the array itself, or a copy twice as large (or more). */
export function grown<A extends { length: number; set(source: A): void }>(array: A, needed: number, make: (length: number) => A): A {
  if (needed <= array.length) return array;
  const bigger = make(Math.max(needed, array.length * 2));
  bigger.set(array);
  return bigger;
}
