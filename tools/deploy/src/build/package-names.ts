import { builtinModules } from 'node:module';

const BUILTINS = new Set(builtinModules);

/**
 * The npm package a bare import specifier names (`@scope/name/sub` → `@scope/name`,
 * `name/sub` → `name`), or undefined for Node built-ins and relative or absolute paths.
 */
export function packageNameOf(specifier: string): string | undefined {
  if (specifier.startsWith('node:') || specifier.startsWith('.') || specifier.startsWith('/')) return undefined;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  if (!name || BUILTINS.has(name)) return undefined;
  return name;
}
