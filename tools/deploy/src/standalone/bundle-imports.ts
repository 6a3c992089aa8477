import { readFileSync } from 'node:fs';
import { packageNameOf } from '../build/package-names';

/**
 * The npm packages a CommonJS bundle loads, read from its text: every
 * `require("…")`, `require.resolve("…")` and `import("…")` of a bare specifier.
 * Independent of the build's metafile, so it checks what the build wrote.
 */
export function packagesLoadedBy(bundleFile: string): string[] {
  const text = readFileSync(bundleFile, 'utf8');
  const names = new Set<string>();
  for (const match of text.matchAll(/\b(?:require(?:\.resolve)?|import)\(\s*["']([^"'\s]+)["']\s*\)/g)) {
    const name = packageNameOf(match[1]);
    if (name) names.add(name);
  }
  return [...names].sort();
}
