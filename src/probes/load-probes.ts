import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { compileProbe } from './compile-probe.js';
import type { ProbeCompileOptions } from './probe-timing.js';
import { sortYamlFileErrors, type YamlFileError } from '../shared/yaml/yaml-file-error.js';
import type { Probe } from './probe-types.js';

/** The probe used for a device no other probe claims; it must exist. */
export const FALLBACK_PROBE = 'generic';

export type ProbeSet = { probes: ReadonlyMap<string, Probe> } | { errors: YamlFileError[] };

/** Reads every *.yaml in `dir` and compiles the set; the I/O half of compileProbes(). */
export async function loadProbes(dir = 'probes', options: ProbeCompileOptions = {}): Promise<ProbeSet> {
  let entries: string[];
  try {
    entries = (await readdir(dir)).sort();
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : String(error);
    return { errors: [{ file: dir, line: 0, path: '', message: reason }] };
  }
  const names = entries.filter((n) => n.endsWith('.yaml'));
  // A probe saved as .yml would be silently skipped and its devices polled by the fallback.
  const misnamed: YamlFileError[] = entries
    .filter((n) => n.endsWith('.yml'))
    .map((n) => ({ file: join(dir, n), line: 0, path: '', message: 'probe files end in .yaml; rename it' }));
  const sources = await Promise.all(
    names.map(async (name) => ({ file: join(dir, name), text: await readFile(join(dir, name), 'utf8') })),
  );
  const compiled = compileProbes(sources, dir, options);
  if (misnamed.length === 0) return compiled;
  return { errors: sortYamlFileErrors([...misnamed, ...('errors' in compiled ? compiled.errors : [])]) };
}

/**
 * Compiles a set of probe files (pure): every file's errors, then what only the set can show —
 * two probes claiming one sysObjectID prefix (which would win is an accident of file order) and a
 * missing fallback.
 */
export function compileProbes(
  sources: readonly { file: string; text: string }[],
  dir: string,
  options: ProbeCompileOptions = {},
): ProbeSet {
  const errors: YamlFileError[] = [];
  const probes = new Map<string, Probe>();
  for (const { file, text } of sources) {
    const result = compileProbe(text, file, options);
    if ('errors' in result) errors.push(...result.errors);
    else probes.set(result.probe.name, result.probe);
  }
  const owners = new Map<string, Probe>();
  for (const probe of probes.values())
    for (const prefix of probe.sysObjectIdPrefixes) {
      const owner = owners.get(prefix);
      if (owner)
        errors.push({
          file: probe.source.file,
          line: probe.source.line,
          path: 'match.sysObjectIdPrefixes',
          message: `${prefix} is already matched by ${owner.source.file}`,
        });
      else owners.set(prefix, probe);
    }
  if (sources.length === 0) errors.push({ file: dir, line: 0, path: '', message: 'no probe files (*.yaml)' });
  else if (!sources.some((s) => basename(s.file) === `${FALLBACK_PROBE}.yaml`))
    errors.push({
      file: dir,
      line: 0,
      path: '',
      message: `no ${FALLBACK_PROBE}.yaml: the fallback probe for devices no other probe matches`,
    });
  return errors.length > 0 ? { errors: sortYamlFileErrors(errors) } : { probes };
}
