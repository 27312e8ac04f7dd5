import { describe, expect, it } from 'vitest';
import { compileProbes, loadProbes } from '../../src/probes/load-probes.js';
import { formatYamlFileError } from '../../src/shared/yaml/yaml-file-error.js';
import type { Probe } from '../../src/probes/probe-types.js';
import { selectProbe } from '../../src/probes/select-probe.js';

const GOOD = 'tests/polling/fixtures/probes-good';
const BAD = 'tests/polling/fixtures/probes-bad';

async function goodProbes(): Promise<ReadonlyMap<string, Probe>> {
  const loaded = await loadProbes(GOOD);
  if ('errors' in loaded) throw new Error(loaded.errors.map(formatYamlFileError).join('\n'));
  return loaded.probes;
}

const probeText = (name: string, prefixes: string[]): string =>
  `name: ${name}\ndescription: x\ndeviceKinds: [cpe]\nmatch:\n  sysObjectIdPrefixes: [${prefixes.join(', ')}]\nscalars:\n  sysUpTime: { oid: 1.3.6.1.2.1.1.3.0, type: timeticks }\n`;

describe('selectProbe', () => {
  it('picks the probe with the longest matching sysObjectID prefix', async () => {
    const probes = await goodProbes();
    expect(selectProbe(probes, '1.3.6.1.4.1.99999.1.5.2')?.name).toBe('vendor-olt-mini');
    expect(selectProbe(probes, '1.3.6.1.4.1.99999.1.5')?.name).toBe('vendor-olt-mini');
    expect(selectProbe(probes, '1.3.6.1.4.1.99999.1.6')?.name).toBe('vendor-olt');
    expect(selectProbe(probes, '.1.3.6.1.4.1.99999.7.1')?.name).toBe('vendor-olt');
  });

  it('compares whole arcs, so .1 does not claim .10', async () => {
    const probes = await goodProbes();
    expect(selectProbe(probes, '1.3.6.1.4.1.99999.10')?.name).toBe('generic');
    expect(selectProbe(probes, '1.3.6.1.4.1.99999.1.50')?.name).toBe('vendor-olt');
  });

  it('falls back to generic for unknown, missing or malformed sysObjectIDs', async () => {
    const probes = await goodProbes();
    expect(selectProbe(probes, '1.3.6.1.4.1.8072.3.2.10')?.name).toBe('generic');
    expect(selectProbe(probes, undefined)?.name).toBe('generic');
    expect(selectProbe(probes, 'not an oid')?.name).toBe('generic');
    expect(selectProbe(new Map(), '1.3.6.1.4.1.99999.1')).toBeUndefined();
  });
});

describe('loadProbes', () => {
  it('reports every error of every file of a directory, and the missing fallback', async () => {
    const loaded = await loadProbes(BAD);
    if (!('errors' in loaded)) throw new Error('the bad fixtures compiled');
    const files = new Set(loaded.errors.map((e) => e.file));
    expect([...files]).toEqual([
      BAD,
      `${BAD}/bad-keys.yaml`,
      `${BAD}/bad-shape.yaml`,
      `${BAD}/bad-types.yaml`,
      `${BAD}/bad-values.yaml`,
    ]);
    expect(loaded.errors).toHaveLength(1 + 12 + 1 + 15 + 12);
    expect(formatYamlFileError(loaded.errors[0]!)).toBe(
      `${BAD}: no generic.yaml: the fallback probe for devices no other probe matches`,
    );
  });

  it('says so when the directory does not exist', async () => {
    expect(await loadProbes('tests/polling/fixtures/no-such-dir')).toEqual({
      errors: [
        { file: 'tests/polling/fixtures/no-such-dir', line: 0, path: '', message: 'no such directory' },
      ],
    });
  });

  it('refuses a probe saved as .yml rather than skipping it', async () => {
    const dir = 'tests/polling/fixtures/probes-misnamed';
    const loaded = await loadProbes(dir);
    expect('errors' in loaded && loaded.errors.map(formatYamlFileError)).toEqual([
      `${dir}: no probe files (*.yaml)`,
      `${dir}/generic.yml: probe files end in .yaml; rename it`,
    ]);
  });

  it('refuses two probes claiming one sysObjectID prefix', () => {
    const result = compileProbes(
      [
        { file: 'p/generic.yaml', text: probeText('generic', []) },
        { file: 'p/a.yaml', text: probeText('a', ['1.3.6.1.4.1.5']) },
        { file: 'p/b.yaml', text: probeText('b', ['1.3.6.1.4.1.6', '1.3.6.1.4.1.5']) },
      ],
      'p',
    );
    expect('errors' in result && result.errors.map(formatYamlFileError)).toEqual([
      'p/b.yaml:1 match.sysObjectIdPrefixes: 1.3.6.1.4.1.5 is already matched by p/a.yaml',
    ]);
  });

  it('requires the fallback by its exact file name', () => {
    const result = compileProbes([{ file: 'p/my-generic.yaml', text: probeText('my-generic', []) }], 'p');
    expect('errors' in result && result.errors.map((e) => e.message)).toEqual([
      'no generic.yaml: the fallback probe for devices no other probe matches',
    ]);
  });

  it('refuses an empty directory', () => {
    expect(compileProbes([], 'p')).toEqual({
      errors: [{ file: 'p', line: 0, path: '', message: 'no probe files (*.yaml)' }],
    });
  });
});
