import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

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

function testSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testSources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('test files sharing a module cache', () => {
  it('leave the environment as they found it: none writes process.env', () => {
    const files = testSources(join(root, 'tests'));
    expect(files.length).toBeGreaterThan(200);
    const writers = files.flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      return WRITES_ENV.filter((pattern) => pattern.test(text)).map(
        (pattern) => `${relative(root, file)} matches ${String(pattern)}`,
      );
    });
    expect(writers).toEqual([]);
  });
});
