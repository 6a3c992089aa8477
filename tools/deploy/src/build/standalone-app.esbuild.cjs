// esbuild settings of every app's `build` target (project.json `esbuildConfig`): the
// generated package.json and lockfile list exactly the packages the bundle loads.
// Nx loads an esbuild config without a TypeScript loader; tsx (a devDependency) loads the plugin.
const { require: requireTs } = require('tsx/cjs/api');

const { exactDependenciesPlugin } = requireTs('./exact-dependencies-plugin.ts', __filename);

module.exports = { plugins: [exactDependenciesPlugin()] };
