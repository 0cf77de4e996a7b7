import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// Dependency direction of DESIGN.md, enforced on every import.
const depConstraints = [
  { sourceTag: 'type:tensor', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'type:solver', onlyDependOnLibsWithTags: ['type:tensor'] },
  // Synthetic cases need heads, so fields may call the solver.
  { sourceTag: 'type:fields', onlyDependOnLibsWithTags: ['type:tensor', 'type:solver'] },
  { sourceTag: 'type:prior', onlyDependOnLibsWithTags: ['type:tensor'] },
  {
    sourceTag: 'type:optim',
    onlyDependOnLibsWithTags: ['type:tensor', 'type:solver', 'type:prior', 'type:fields'],
  },
  // Run directories (store, aggregation, figures, report): read by the CLI and by the studies alike.
  {
    sourceTag: 'type:runs',
    onlyDependOnLibsWithTags: ['type:tensor', 'type:solver', 'type:prior', 'type:fields', 'type:optim'],
  },
  {
    sourceTag: 'type:app',
    onlyDependOnLibsWithTags: ['type:tensor', 'type:solver', 'type:prior', 'type:fields', 'type:optim', 'type:runs'],
  },
  // type:app only for tools/bench's throw-away redis-server (queue.bench); the studies read runs through @ldinv/runs.
  {
    sourceTag: 'type:tools',
    onlyDependOnLibsWithTags: ['type:tensor', 'type:solver', 'type:prior', 'type:fields', 'type:optim', 'type:runs', 'type:app'],
  },
];

// Only libs/tensor may import TensorFlow.js; only the app may import the pool and queue (libs/runs owns the run store).
const appOnly = ['piscina', 'bullmq', 'ioredis', 'comlink', 'cli-progress', 'commander'];

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '.nx/**', 'runs/**', 'data/**', 'out/**', 'tmp/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.js'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': ['error', { allow: [], depConstraints }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['libs/**/*.ts'],
    ignores: ['libs/tensor/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@tensorflow/*'], message: 'import TensorFlow.js through @ldinv/tensor' },
            ...appOnly.map((name) => ({ group: [name], message: `${name} belongs to apps/orchestrator` })),
          ],
        },
      ],
    },
  },
];
