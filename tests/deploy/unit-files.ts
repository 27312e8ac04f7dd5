import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** deploy/systemd/, where the shipped units and the environment file example live. */
export const SYSTEMD_DIR = fileURLToPath(new URL('../../deploy/systemd/', import.meta.url));

export const UNIT_FILES = ['vigil-api.service', 'vigil-poller@.service', 'vigil-worker.service'] as const;

/** The [Service] settings of a unit, each key with every value it was given, in order. */
export function serviceSettings(unit: string): Map<string, string[]> {
  const settings = new Map<string, string[]>();
  let section = '';
  for (const raw of readFileSync(SYSTEMD_DIR + unit, 'utf8').split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) section = header[1] ?? '';
    else if (section === 'Service') {
      const at = line.indexOf('=');
      const key = line.slice(0, at);
      settings.set(key, [...(settings.get(key) ?? []), line.slice(at + 1)]);
    }
  }
  return settings;
}

/** systemd time spans as the units write them ("20s", "1min 30s", "500ms", a bare number of seconds). */
export function timeSpanMs(text: string): number {
  const units: Record<string, number> = { ms: 1, s: 1000, sec: 1000, min: 60_000, m: 60_000, h: 3_600_000 };
  let total = 0;
  for (const [, value, unit] of text.matchAll(/(\d+(?:\.\d+)?)\s*([a-z]*)/g))
    total += Number(value) * (units[unit || 's'] ?? Number.NaN);
  return total;
}

/** KEY=VALUE lines of an environment file (systemd's EnvironmentFile= syntax, no quoting used). */
export function environmentFile(path: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const at = line.indexOf('=');
    env[line.slice(0, at)] = line.slice(at + 1);
  }
  return env;
}
