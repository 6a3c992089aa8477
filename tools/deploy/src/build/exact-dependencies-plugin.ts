import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Metafile, Plugin } from 'esbuild';
import { packageNameOf } from './package-names';
import { pruneLockfile, type NpmLockfile } from './prune-lockfile';

/**
 * The npm packages a bundle loads at run time: the external `require`, `require.resolve`
 * and `import()` targets left in its output files (the inputs' imports would also count
 * code that tree shaking dropped).
 */
export function externalPackagesOf(metafile: Metafile): string[] {
  const names = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const imported of output.imports) {
      if (!imported.external) continue;
      const name = packageNameOf(imported.path);
      if (name) names.add(name);
    }
  }
  return [...names].sort();
}

interface GeneratedPackageJson {
  dependencies?: Record<string, string>;
  [key: string]: unknown;
}

/**
 * Nx's `generatePackageJson` lists every third-party package of every lib the
 * app depends on (the project graph), whether the bundle reaches it or not.
 * This plugin narrows the generated package.json and package-lock.json to the
 * packages the bundle actually loads, at the versions Nx resolved from the
 * workspace lockfile, and fails the build when the bundle loads a package
 * Nx did not list (its version would be unknown).
 */
export function exactDependenciesPlugin(): Plugin {
  return {
    name: 'eventpath-exact-dependencies',
    setup(build) {
      build.initialOptions.metafile = true;
      build.onEnd((result) => {
        if (result.errors.length > 0 || !result.metafile) return;
        const outfile = build.initialOptions.outfile;
        const outdir = build.initialOptions.outdir ?? (outfile ? dirname(outfile) : undefined);
        if (!outdir) return { errors: [{ text: 'exact dependencies: the build has neither outdir nor outfile' }] };
        const root = build.initialOptions.absWorkingDir ?? process.cwd();
        const packageJsonPath = join(root, outdir, 'package.json');
        if (!existsSync(packageJsonPath)) return { errors: [{ text: `exact dependencies: no generated ${packageJsonPath} (is generatePackageJson on?)` }] };
        const packageJson = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as GeneratedPackageJson;
        const listed = packageJson.dependencies ?? {};
        const needed = externalPackagesOf(result.metafile);
        const unknown = needed.filter((name) => listed[name] === undefined);
        if (unknown.length > 0) {
          return { errors: [{ text: `exact dependencies: the bundle loads ${unknown.join(', ')}, which the generated package.json does not list` }] };
        }
        const dependencies = Object.fromEntries(needed.map((name) => [name, listed[name]]));
        writeFileSync(packageJsonPath, `${JSON.stringify({ ...packageJson, dependencies }, null, 2)}\n`);
        const lockPath = join(root, outdir, 'package-lock.json');
        if (existsSync(lockPath)) {
          const lock = JSON.parse(readFileSync(lockPath, 'utf8')) as NpmLockfile;
          writeFileSync(lockPath, `${JSON.stringify(pruneLockfile(lock, dependencies), null, 2)}\n`);
        }
        return undefined;
      });
    },
  };
}

