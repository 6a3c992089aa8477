/** The parts of an npm lockfile (v2/v3 `packages` section) that pruning reads and writes. */
export interface NpmLockfile {
  lockfileVersion: number;
  packages: Record<string, LockedPackage>;
  [key: string]: unknown;
}

export interface LockedPackage {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  [key: string]: unknown;
}

/**
 * Keeps only what `dependencies` (the new root dependencies) need: every locked
 * package reachable from them by Node's resolution (nearest `node_modules` first),
 * through dependencies, optional dependencies and the peer dependencies the lock
 * holds. The root entry gets exactly `dependencies`. The result installs with
 * `npm ci` the same tree as the original for those packages.
 */
export function pruneLockfile(lock: NpmLockfile, dependencies: Record<string, string>): NpmLockfile {
  const kept = new Set<string>();
  const missing: string[] = [];
  const visit = (fromPath: string, name: string, required: boolean) => {
    const location = resolveLocation(lock.packages, fromPath, name);
    if (location === undefined) {
      if (required) missing.push(`${name} (needed by ${fromPath || 'the root'})`);
      return;
    }
    if (kept.has(location)) return;
    kept.add(location);
    const entry = lock.packages[location];
    for (const dep of Object.keys(entry.dependencies ?? {})) visit(location, dep, true);
    for (const dep of Object.keys(entry.optionalDependencies ?? {})) visit(location, dep, false);
    for (const dep of Object.keys(entry.peerDependencies ?? {})) visit(location, dep, false);
  };
  for (const name of Object.keys(dependencies)) visit('', name, true);
  if (missing.length > 0) throw new Error(`the lockfile lacks ${missing.join(', ')}`);

  const root = lock.packages[''] ?? {};
  const packages: Record<string, LockedPackage> = { '': { ...root, dependencies: { ...dependencies } } };
  for (const location of Object.keys(lock.packages).sort()) if (kept.has(location)) packages[location] = lock.packages[location];
  return { ...lock, packages };
}

/** Where Node finds `name` from the package at `fromPath`: its own node_modules, then each parent's, then the root's. */
function resolveLocation(packages: NpmLockfile['packages'], fromPath: string, name: string): string | undefined {
  let base = fromPath;
  for (;;) {
    const candidate = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!base) return undefined;
    const parent = base.lastIndexOf('/node_modules/');
    base = parent < 0 ? '' : base.slice(0, parent);
  }
}
