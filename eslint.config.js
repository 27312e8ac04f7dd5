// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Boundaries of the house: see README "Architecture". */
const netSnmpOnlyInSnmp = {
  paths: [{ name: 'net-snmp', message: 'Only src/snmp/ talks to net-snmp; use its exports.' }],
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'tools/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', netSnmpOnlyInSnmp],
    },
  },
  {
    // One concept per file, one step per function: see README "Architecture". A function that must be
    // longer says why in a comment beside an eslint-disable-next-line.
    files: ['src/**/*.ts'],
    rules: {
      'max-lines': ['error', { max: 300 }],
      'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ['src/snmp/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['src/detection/**', 'src/correlation/**', 'src/playbooks/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'ioredis', message: 'Detection, correlation and planning are pure: no I/O.' },
            { name: 'bullmq', message: 'Detection, correlation and planning are pure: no I/O.' },
            { name: 'net-snmp', message: 'Only src/snmp/ talks to net-snmp.' },
          ],
        },
      ],
    },
  },
  {
    files: ['eslint.config.js', '.dependency-cruiser.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    // Plain JavaScript for integrators to copy (a host page and its backend), outside every tsconfig.
    files: ['examples/**/*.{js,mjs}'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
