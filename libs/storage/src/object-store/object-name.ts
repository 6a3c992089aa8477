import { InvalidObjectNameError } from './errors';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** GCS's limit on an object name, in UTF-8 bytes. */
export const MAX_OBJECT_NAME_BYTES = 1024;

/**
 * The names every store accepts, so that code written against one store works
 * against the other:
 * - 1 to 1024 bytes of well-formed UTF-8 (GCS's limit), no NUL, CR or LF;
 * - `/` separates segments; no segment is empty (no leading, trailing or double `/`)
 *   and none is `.` or `..` (a local directory store could otherwise escape its root).
 * Everything else is allowed: `=`, spaces, `+`, `%`, `#`, `?`, any unicode.
 */
export function assertValidObjectName(name: string): void {
  if (typeof name !== 'string' || name.length === 0) throw new InvalidObjectNameError(String(name), 'empty');
  if (LONE_SURROGATE.test(name)) throw new InvalidObjectNameError(name, 'contains a lone UTF-16 surrogate');
  if (Buffer.byteLength(name, 'utf8') > MAX_OBJECT_NAME_BYTES) {
    throw new InvalidObjectNameError(name, `longer than ${MAX_OBJECT_NAME_BYTES} bytes of UTF-8`);
  }
  if (/[\0\r\n]/.test(name)) throw new InvalidObjectNameError(name, 'contains NUL, CR or LF');
  for (const segment of name.split('/')) {
    if (segment === '') throw new InvalidObjectNameError(name, 'has an empty segment (leading, trailing or double "/")');
    if (segment === '.' || segment === '..') throw new InvalidObjectNameError(name, `has a "${segment}" segment`);
  }
}

/**
 * Compares names as their UTF-8 bytes compare (the order GCS lists names in), which is
 * code point order. JavaScript's `<` compares UTF-16 code units and puts supplementary
 * characters (surrogate pairs, D800-DFFF) before U+E000-U+FFFF; this shifts them after.
 */
export function compareNames(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}
