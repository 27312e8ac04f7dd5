import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { readSnmprecFile } from '../recordings/read-snmprec.js';
import { formatSnmprecProblem } from '../recordings/snmprec-record.js';
import { AppError } from '../shared/app-error.js';
import { formatYamlFileError } from '../shared/yaml/yaml-file-error.js';
import { recordedUptimeMs, type RecordedDeviceSpec } from './models/recorded-model.js';
import {
  DEFAULT_SIDECAR,
  MAX_SIDECAR_BYTES,
  parseRecordingSidecar,
  type RecordingSidecar,
} from './recording-sidecar.js';

export interface LoadedRecording {
  spec: RecordedDeviceSpec;
  sidecar: RecordingSidecar;
  file: string;
}

/** Device ids from file names: what inventory ids, URLs and logs take without quoting. */
const DEVICE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** One simulator serves a handful of recordings beside its fleet, not a second fleet. */
export const MAX_RECORDINGS = 1_000;

/**
 * Every `*.snmprec` of a directory (in name order) with its optional `NAME.yaml` sidecar, checked
 * whole: any error in any file refuses them all with every problem listed by file:line, as a scenario
 * does; warnings (a repeated OID, first kept) are returned for the log.
 */
export async function loadRecordings(
  dir: string,
  nowMs: number,
): Promise<{ recordings: LoadedRecording[]; warnings: string[] }> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    throw new AppError('ERR_SIM_START', `--recordings ${dir}: ${error.code ?? 'unreadable'}`);
  });
  const files = names.filter((name) => name.endsWith('.snmprec')).sort();
  const errors: string[] = [];
  const warnings: string[] = [];
  if (files.length === 0) errors.push(`${dir}: no *.snmprec file`);
  if (files.length > MAX_RECORDINGS)
    errors.push(`${dir}: ${files.length} recordings, at most ${MAX_RECORDINGS}`);
  const recordings: LoadedRecording[] = [];
  for (const name of files.slice(0, MAX_RECORDINGS)) {
    const file = join(dir, name);
    const id = basename(name, '.snmprec');
    if (!DEVICE_ID.test(id)) {
      errors.push(
        `${file}: the file name makes the device id; use letters, digits, ".", "_" and "-" (at most 64)`,
      );
      continue;
    }
    const read = await readSnmprecFile(file);
    for (const problem of read.problems)
      (problem.severity === 'error' ? errors : warnings).push(formatSnmprecProblem(problem));
    if (read.records.length === 0 && read.problems.length === 0) errors.push(`${file}: no records`);
    const sidecar = await readSidecar(join(dir, `${id}.yaml`), errors);
    const bootAtMs = nowMs - recordedUptimeMs(read.records);
    recordings.push({ file, sidecar, spec: { id, records: read.records, loadedAtMs: nowMs, bootAtMs } });
  }
  if (errors.length > 0)
    throw new AppError('ERR_SIM_START', `recordings refused:\n${errors.join('\n')}`, { details: errors });
  return { recordings, warnings };
}

async function readSidecar(path: string, errors: string[]): Promise<RecordingSidecar> {
  const size = await stat(path).then(
    (s) => s.size,
    () => undefined,
  );
  if (size === undefined) return { ...DEFAULT_SIDECAR };
  if (size > MAX_SIDECAR_BYTES) {
    errors.push(`${path}: larger than ${MAX_SIDECAR_BYTES} bytes`);
    return { ...DEFAULT_SIDECAR };
  }
  const parsed = parseRecordingSidecar(await readFile(path, 'utf8'), path);
  if ('errors' in parsed) {
    errors.push(...parsed.errors.map(formatYamlFileError));
    return { ...DEFAULT_SIDECAR };
  }
  return parsed;
}
