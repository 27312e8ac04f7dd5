import { basename } from 'node:path';
import { parseYamlDocument } from '../shared/yaml/parse-yaml-document.js';
import { createYamlReader, joinPath, type Field, type YamlReader } from '../shared/yaml/yaml-reader.js';
import { sortYamlFileErrors, type YamlFileError } from '../shared/yaml/yaml-file-error.js';
import { indexFleet, MAX_EVAL_DEVICES } from './eval-fleet.js';
import type { EvalFleet, EvalScenario } from './eval-scenario.js';
import { parseCheckpoints } from './parse-checkpoints.js';
import { parseTimeline } from './parse-timeline.js';
import { readSeconds } from './scenario-fields.js';

const TOP_KEYS = ['description', 'quick', 'pending', 'fleet', 'interval', 'timeline', 'checkpoints'];

/**
 * One scenario file → a checked scenario, or every problem in it at once (`file:line path: message`,
 * unknown keys with a "did you mean"), like `vigil check` reports probes and playbooks. Pure: the
 * caller reads the file. Device and subscriber ids are checked against the fleet `vigil sim` will
 * generate for the scenario's size, fanout and seed.
 */
export function parseEvalScenario(
  text: string,
  file: string,
): { scenario: EvalScenario } | { errors: YamlFileError[] } {
  const parsed = parseYamlDocument(text, file);
  if ('errors' in parsed) return { errors: parsed.errors };
  const r = createYamlReader(file, parsed.lineCounter);
  const fields = r.map(parsed.doc.contents, '', {
    allowed: TOP_KEYS,
    required: ['description', 'fleet', 'checkpoints'],
  });
  if (!fields) return { errors: r.errors };
  const description = fields.get('description');
  const quick = fields.get('quick');
  const pending = fields.get('pending');
  const interval = fields.get('interval');
  const head = {
    intervalSeconds: interval ? readInterval(r, interval) : undefined,
    pending: pending ? r.string(pending, 'pending') : undefined,
    description: description ? r.string(description, 'description') : undefined,
    quick: quick ? r.boolean(quick, 'quick') : false,
    fleet: readFleet(r, fields.get('fleet')),
  };
  // Without a fleet no id can be checked: the rest waits for it to be right.
  if (!head.fleet) return { errors: sortYamlFileErrors(r.errors) };
  const s = { r, fleet: indexFleet(head.fleet) };
  const timeline = parseTimeline(s, fields.get('timeline'));
  const checkpoints = parseCheckpoints(s, fields.get('checkpoints'));
  if (r.errors.length > 0 || head.description === undefined || head.quick === undefined)
    return { errors: sortYamlFileErrors(r.errors) };
  return {
    scenario: {
      name: basename(file).replace(/\.ya?ml$/, ''),
      file,
      description: head.description,
      quick: head.quick,
      ...(head.pending !== undefined ? { pending: head.pending } : {}),
      ...(head.intervalSeconds !== undefined ? { intervalSeconds: head.intervalSeconds } : {}),
      fleet: head.fleet,
      timeline,
      checkpoints,
    },
  };
}

/** `fleet: { devices: 24, fanout: 5, seed: 7 }` — what `vigil sim` takes. */
function readFleet(r: YamlReader, field: Field | undefined): EvalFleet | undefined {
  if (!field) return undefined;
  const fields = r.map(field.value, 'fleet', {
    allowed: ['devices', 'fanout', 'seed'],
    required: ['devices', 'fanout'],
  });
  if (!fields) return undefined;
  const int = (key: string, min: number, max: number, fallback?: number): number | undefined => {
    const f = fields.get(key);
    return f ? r.integer(f, joinPath('fleet', key), min, max) : fallback;
  };
  const devices = int('devices', 2, MAX_EVAL_DEVICES);
  const fanout = int('fanout', 1, 500);
  const seed = int('seed', 0, 2 ** 31, 1);
  if (devices === undefined || fanout === undefined || seed === undefined) return undefined;
  return { devices, fanout, seed };
}

/** `interval: 10s` — 0.5 s to 60 s, like `--interval`. */
function readInterval(r: YamlReader, field: Field): number | undefined {
  const seconds = readSeconds(r, field, 'interval');
  if (seconds === undefined) return undefined;
  return seconds >= 0.5 && seconds <= 60 ? seconds : r.fail(field.value, 'interval', 'expected 500ms to 60s');
}
