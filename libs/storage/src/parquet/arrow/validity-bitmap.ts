/**
 * The validity bitmap of a nullable column being built (bit i set: slot i holds a value),
 * with its null count. Slots past the end are always zero, so a null costs no write.
 */
export class ValidityBitmap {
  bits: Uint8Array;
  nulls = 0;

  constructor(capacity: number) {
    this.bits = new Uint8Array(Math.max(8, (capacity + 7) >> 3));
  }

  valid(index: number): void {
    const byte = index >> 3;
    if (byte >= this.bits.length) this.grow(byte);
    this.bits[byte] |= 1 << (index & 7);
  }

  null(): void {
    this.nulls++;
  }

  isValid(index: number): boolean {
    return (this.bits[index >> 3] & (1 << (index & 7))) !== 0;
  }

  /** Forgets slots `length` and after (of `oldLength`), clearing their bits. */
  truncate(length: number, oldLength: number): void {
    for (let index = length; index < oldLength; index++) {
      if (this.isValid(index)) this.bits[index >> 3] &= ~(1 << (index & 7));
      else this.nulls--;
    }
  }

  /** The bitmap of the first `length` slots (undefined when none is null), and a fresh one for the next batch. */
  finish(length: number): Uint8Array | undefined {
    const bits = this.bits;
    const nulls = this.nulls;
    this.bits = new Uint8Array(Math.max(8, (length + 7) >> 3));
    this.nulls = 0;
    return nulls > 0 ? bits.subarray(0, (length + 7) >> 3) : undefined;
  }

  private grow(byte: number): void {
    const bits = new Uint8Array(Math.max(byte + 1, this.bits.length * 2));
    bits.set(this.bits);
    this.bits = bits;
  }
}
