import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const depcruise = join(root, 'node_modules/.bin/depcruise');
const config = join(root, '.dependency-cruiser.cjs');

/** Runs the project's dependency rules over `src/` of `cwd`; the exit code and the report. */
async function cruise(cwd: string): Promise<{ code: number; report: string }> {
  try {
    const { stdout } = await run(depcruise, ['src', '--config', config, '--output-type', 'err'], { cwd });
    return { code: 0, report: stdout };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string };
    return { code: failed.code ?? -1, report: failed.stdout ?? '' };
  }
}

/** A throwaway house: files by path, and a tsconfig for the resolver. */
async function house(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-deps-'));
  made.push(dir);
  await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext' } }));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}
const made: string[] = [];
afterAll(async () => {
  await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('the pipeline order (.dependency-cruiser.cjs)', () => {
  it('holds for the code as it is', async () => {
    const { code, report } = await cruise(root);
    expect(report).toContain('no dependency violations found');
    expect(code).toBe(0);
  });

  // One throwaway house holding one breach of each rule, cruised once (each run costs seconds).
  it('fails each kind of breach: a backwards import, a type-only one, a module cycle, a folder without a line', async () => {
    const dir = await house({
      'src/roles/poller-role.ts': 'export const role = 1;\n',
      'src/detection/detect.ts': "import { role } from '../roles/poller-role.js';\nexport const x = role;\n",
      'src/probes/probe-types.ts': 'export interface Probe { name: string }\n',
      'src/snmp/oid.ts': "import type { Probe } from '../probes/probe-types.js';\nexport type P = Probe;\n",
      'src/actions/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
      'src/actions/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
      'src/shared/x.ts': 'export const x = 1;\n',
      'src/newroom/y.ts': "import { x } from '../shared/x.js';\nexport const y = x;\n",
    });
    const { code, report } = await cruise(dir);
    expect(code).not.toBe(0);
    expect(report).toContain('pipeline-order:detection: src/detection/detect.ts → src/roles/poller-role.ts');
    expect(report).toContain('pipeline-order:snmp: src/snmp/oid.ts → src/probes/probe-types.ts');
    expect(report).toMatch(/no-circular: src\/actions\/(a|b)\.ts/);
    expect(report).toContain('not-in-layers: src/newroom/y.ts');
    // Nothing else is flagged: the rules name breaches, not the legal imports around them.
    expect(report).toContain('4 dependency violations');
  });
});
