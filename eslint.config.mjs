// Workspace lint rules. Module boundaries are enforced by project tags:
//   type:app  may import type:lib
//   type:lib  may import type:lib
//   type:tool may import type:lib and type:tool
// Test code (*.spec.ts and test-support/ folders, which lib builds exclude) may also import type:tool (the dev Kafka broker, Redis
// and GCS emulator launchers); production code never does.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const productionBoundaries = [
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
  { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
  { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib', 'type:tool'] },
];
const testBoundaries = [
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', 'type:tool'] },
  { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib', 'type:tool'] },
  { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib', 'type:tool'] },
];

export default [
  { ignores: ['**/dist', '**/node_modules', '**/tmp', '**/.cache', '**/.nx', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    plugins: { '@nx': nx },
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        { allow: [], enforceBuildableLibDependency: true, depConstraints: productionBoundaries },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.spec.ts', '**/test-support/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        { allow: [], enforceBuildableLibDependency: true, depConstraints: testBoundaries },
      ],
    },
  },
];
