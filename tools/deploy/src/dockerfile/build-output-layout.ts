import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { REPO_ROOT, type DeployedApp } from '../deployed-apps';

export interface BuildOutputLayout {
  /** `outputPath` of the app's build target, relative to the repository root. */
  outputPath: string;
  /** Files the build writes there (fixed by the target's options, so known before any build). */
  files: string[];
}

/** What `nx run <app>:build` writes, read from the build target's options in project.json. */
export function buildOutputLayout(app: DeployedApp): BuildOutputLayout {
  const project = JSON.parse(readFileSync(join(REPO_ROOT, 'apps', app.name, 'project.json'), 'utf8')) as {
    targets: { build: { options: { outputPath: string; main: string; format: string[]; sourcemap?: boolean; generatePackageJson?: boolean; assets?: Array<{ glob: string; output: string }> } } };
  };
  const options = project.targets.build.options;
  if (options.format.join() !== 'cjs') throw new Error(`${app.name}: the build must write CommonJS only (format ["cjs"])`);
  const bundle = `${basename(options.main).replace(/\.ts$/, '')}.cjs`;
  const files = [bundle, ...(options.sourcemap ? [`${bundle}.map`] : []), ...(options.generatePackageJson ? ['package.json', 'package-lock.json'] : [])];
  for (const asset of options.assets ?? []) if (!/[*?[{]/.test(asset.glob)) files.push(join(asset.output, asset.glob).replace(/^\.\//, ''));
  return { outputPath: options.outputPath, files };
}
