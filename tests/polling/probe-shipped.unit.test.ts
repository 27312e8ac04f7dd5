import { describe, expect, it } from 'vitest';
import { loadProbes } from '../../src/probes/load-probes.js';
import { formatYamlFileError } from '../../src/shared/yaml/yaml-file-error.js';
import type { MetricSpec, Probe } from '../../src/probes/probe-types.js';
import { selectProbe } from '../../src/probes/select-probe.js';
import { DEVICE_MODELS } from '../../src/sim/models/device-models.js';
import type { MibModel } from '../../src/sim/models/mib-model.js';
import { parseOid, isOidPrefix, type Oid } from '../../src/snmp/oid.js';
import type { SimModelName } from '../../src/sim/sim-device.js';

async function shippedProbes(): Promise<ReadonlyMap<string, Probe>> {
  const loaded = await loadProbes('probes');
  if ('errors' in loaded) throw new Error(loaded.errors.map(formatYamlFileError).join('\n'));
  return loaded.probes;
}

/** Whether the simulated model answers this metric: a GET for a scalar, a walk for a column. */
function answers(model: MibModel, metric: MetricSpec, column: boolean): boolean {
  const oid = parseOid(metric.oid);
  if (!column) return model.find(oid) !== undefined;
  const next = model.nextIndex(oid);
  return next >= 0 && isOidPrefix(oid, model.oids[next] as Oid);
}

function unanswered(probe: Probe, model: MibModel, includeOptional: boolean): string[] {
  const missing: string[] = [];
  for (const m of probe.scalars)
    if ((includeOptional || !m.optional) && !answers(model, m, false)) missing.push(`scalars.${m.name}`);
  for (const t of probe.tables) {
    // A table the device lacks altogether has no rows, which is an answer; one it has must have every column.
    const discovery = t.columns.find((c) => !c.optional) ?? t.columns[0];
    if (!includeOptional && discovery && !answers(model, discovery, true)) continue;
    for (const c of t.columns)
      if ((includeOptional || !c.optional) && !answers(model, c, true)) missing.push(`${t.name}.${c.name}`);
  }
  return missing;
}

describe('the shipped probes', () => {
  it('compile cleanly, one per simulated model plus the generic fallback', async () => {
    const probes = await shippedProbes();
    expect([...probes.keys()].sort()).toEqual([
      'access-node',
      'base-station',
      'cpe-gpon',
      'cpe-lte',
      'generic',
    ]);
  });

  it('are each chosen for their simulated model by its sysObjectID', async () => {
    const probes = await shippedProbes();
    for (const [name, model] of Object.entries(DEVICE_MODELS))
      expect(selectProbe(probes, model.sysObjectId)?.name).toBe(name);
  });

  it('ask only for objects their simulated model answers, optional ones included', async () => {
    const probes = await shippedProbes();
    for (const name of Object.keys(DEVICE_MODELS) as SimModelName[]) {
      const probe = probes.get(name);
      expect(probe, name).toBeDefined();
      expect(unanswered(probe as Probe, DEVICE_MODELS[name], true), name).toEqual([]);
    }
  });

  it('include a generic probe whose required objects every simulated model answers', async () => {
    const generic = (await shippedProbes()).get('generic') as Probe;
    expect(generic.sysObjectIdPrefixes).toEqual([]);
    expect(generic.reboot).toBeUndefined();
    for (const model of Object.values(DEVICE_MODELS)) expect(unanswered(generic, model, false)).toEqual([]);
  });

  it('judge signal after scale against the floors of their technology', async () => {
    const probes = await shippedProbes();
    const signalOf = (name: string): [string | undefined, number | undefined, number | undefined] => {
      const probe = probes.get(name) as Probe;
      const signal = probe.scalars.find((m) => m.name === 'signal');
      return [signal?.oid, signal?.scale, probe.thresholds.signalFloorDbm];
    };
    expect(signalOf('cpe-gpon')).toEqual(['1.3.6.1.4.1.32473.1.3.0', 0.01, -27]);
    expect(signalOf('cpe-lte')).toEqual(['1.3.6.1.4.1.32473.1.4.0', undefined, -110]);
  });

  it('reboot CPEs and infrastructure through the vendor object, and expect infrastructure to run for a year', async () => {
    const probes = await shippedProbes();
    for (const name of ['cpe-gpon', 'cpe-lte', 'access-node', 'base-station'])
      expect(probes.get(name)?.reboot).toEqual({ oid: '1.3.6.1.4.1.32473.1.1.0', value: 1 });
    expect(probes.get('cpe-gpon')?.thresholds.staleUptimeSeconds).toBe(30 * 86_400);
    expect(probes.get('access-node')?.thresholds.staleUptimeSeconds).toBe(365 * 86_400);
    expect(probes.get('base-station')?.thresholds.staleUptimeSeconds).toBe(365 * 86_400);
    const cells = probes.get('base-station')?.tables.find((t) => t.name === 'cells');
    expect(cells?.columns.find((c) => c.name === 'cellOperStatus')?.values).toEqual({
      1: 'up',
      2: 'down',
      3: 'degraded',
    });
  });
});
