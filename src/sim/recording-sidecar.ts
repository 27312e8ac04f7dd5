import { parseYamlDocument } from '../shared/yaml/parse-yaml-document.js';
import { createYamlReader } from '../shared/yaml/yaml-reader.js';
import { sortYamlFileErrors, type YamlFileError } from '../shared/yaml/yaml-file-error.js';
import type { SimDeviceKind } from './sim-device.js';

/**
 * What a recording's optional sidecar (`NAME.yaml` beside `NAME.snmprec`) says about the device, for
 * the inventory the simulator writes:
 *
 *   kind: cpe                       # cpe (default), access_node or base_station
 *   model: OpenWrt 23.05 router     # inventory model (default: the file's name)
 *   parent: bs-0001                 # a device of the generated fleet (default: none)
 *   profile: generic                # probe to poll it with (default: generic)
 */
export interface RecordingSidecar {
  kind: SimDeviceKind;
  model?: string;
  parent?: string;
  profile: string;
}

const KINDS: readonly SimDeviceKind[] = ['cpe', 'access_node', 'base_station'];
export const DEFAULT_SIDECAR: RecordingSidecar = { kind: 'cpe', profile: 'generic' };
/** Sidecars are a few lines; anything larger is not one. */
export const MAX_SIDECAR_BYTES = 16 * 1024;

export function parseRecordingSidecar(
  text: string,
  file: string,
): RecordingSidecar | { errors: YamlFileError[] } {
  if (text.length > MAX_SIDECAR_BYTES)
    return { errors: [{ file, line: 0, path: '', message: `larger than ${MAX_SIDECAR_BYTES} bytes` }] };
  const parsed = parseYamlDocument(text, file);
  if ('errors' in parsed) return { errors: parsed.errors };
  const r = createYamlReader(file, parsed.lineCounter);
  const fields = r.map(parsed.doc.contents, '', { allowed: ['kind', 'model', 'parent', 'profile'] });
  if (!fields) return { errors: r.errors };
  const sidecar: RecordingSidecar = { ...DEFAULT_SIDECAR };
  const kind = fields.get('kind');
  if (kind) {
    const value = r.string(kind, 'kind');
    if (value !== undefined && !KINDS.includes(value as SimDeviceKind))
      r.fail(kind.value, 'kind', `"${value}" is not one of ${KINDS.join(', ')}`);
    else if (value !== undefined) sidecar.kind = value as SimDeviceKind;
  }
  for (const key of ['model', 'parent', 'profile'] as const) {
    const field = fields.get(key);
    const value = field ? r.string(field, key) : undefined;
    if (value !== undefined && value.length > 128) r.fail(field?.value, key, 'at most 128 characters');
    else if (value !== undefined) sidecar[key] = value;
  }
  return r.errors.length > 0 ? { errors: sortYamlFileErrors(r.errors) } : sidecar;
}
