import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesUnder, patternHits } from '../helpers/source-patterns.js';

const root = resolve(import.meta.dirname, '../..');

/**
 * Test files share their worker's module cache (vitest.config.ts, `isolate: false`): what one file
 * leaves in the process, the next file in that worker finds. The environment is the one piece of
 * process state a module reads at import or a child process inherits, so no test file or helper writes
 * it; a test passes what it needs to a child in `spawn`'s `env`, or to a function as its config.
 */
const WRITES_ENV = [
  /process\.env\.\w+\s*=[^=]/,
  /process\.env\[[^\]]+\]\s*=[^=]/,
  /delete process\.env/,
  /Object\.assign\(process\.env/,
  /vi\.stubEnv/,
];

describe('test files sharing a module cache', () => {
  it('leave the environment as they found it: none writes process.env', () => {
    const files = filesUnder(join(root, 'tests'), '.ts');
    expect(files.length).toBeGreaterThan(200);
    expect(patternHits(files, WRITES_ENV, root)).toEqual([]);
  });
});
