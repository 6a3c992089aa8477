import { z } from 'zod';

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const SIZE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1000,
  mb: 1000 ** 2,
  gb: 1000 ** 3,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** `500ms`, `30s`, `10m`, `1h`, `1d`, `1h30m`, or a number of milliseconds. */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const text = value.trim().toLowerCase();
  if (/^\d+$/.test(text)) return Number(text);
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('').replace(/\s/g, '') !== text.replace(/\s/g, '')) return undefined;
  return Math.round(parts.reduce((total, [, amount, unit]) => total + Number(amount) * DURATION_UNITS[unit], 0));
}

/** `128MiB`, `64KiB`, `1GiB`, `10MB`, or a number of bytes. */
export function parseByteSize(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : undefined;
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.trim());
  if (!match) return undefined;
  const unit = match[2].toLowerCase() || 'b';
  const factor = SIZE_UNITS[unit];
  return factor === undefined ? undefined : Math.round(Number(match[1]) * factor);
}

/** A duration field: a string with a unit or milliseconds. */
export const duration = (options: { min?: number } = {}) =>
  z.union([z.string(), z.number()]).transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `must be a duration like 500ms, 30s, 10m, 1h or 1d (got ${JSON.stringify(value)})` });
      return z.NEVER;
    }
    if (options.min !== undefined && ms < options.min) {
      ctx.addIssue({ code: 'custom', message: `must be at least ${options.min} ms (got ${JSON.stringify(value)})` });
      return z.NEVER;
    }
    return ms;
  });

/** A size field: a string with a unit or bytes. */
export const byteSize = (options: { min?: number } = {}) =>
  z.union([z.string(), z.number()]).transform((value, ctx) => {
    const bytes = parseByteSize(value);
    if (bytes === undefined) {
      ctx.addIssue({ code: 'custom', message: `must be a size like 64KiB, 128MiB or 1GiB (got ${JSON.stringify(value)})` });
      return z.NEVER;
    }
    if (options.min !== undefined && bytes < options.min) {
      ctx.addIssue({ code: 'custom', message: `must be at least ${options.min} bytes (got ${JSON.stringify(value)})` });
      return z.NEVER;
    }
    return bytes;
  });
