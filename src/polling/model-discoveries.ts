import type { Probe } from '../probes/probe-types.js';
import type { TableIndices } from './poll-plan.js';

/**
 * Table rows learned by walking one device, lent to the other devices of the same model polled with
 * the same probe on their first poll: devices of one model and firmware number their interfaces,
 * storage and processors alike, so a fleet's cold cycle walks once per model, not once per device.
 * A device whose rows differ shows it on that first read (a cell of a lent row is missing) and is
 * walked on its own at once (see pollDevice); the rows a device has beyond its model's are learned
 * at its next own walk (after a reboot, or when a row goes away). Devices without a model in the
 * inventory borrow nothing.
 */
export class ModelDiscoveries {
  // By probe object: a reloaded probe (POST /v1/admin/reload) learns afresh.
  private readonly byProbe = new WeakMap<Probe, Map<string, TableIndices>>();

  lent(probe: Probe, model: string | undefined): TableIndices | undefined {
    return model === undefined ? undefined : this.byProbe.get(probe)?.get(model);
  }

  /** Keeps a walk's rows for the model, unless a table came back empty (nothing to check a lent row by). */
  learn(probe: Probe, model: string | undefined, indices: TableIndices): void {
    if (model === undefined || probe.tables.some((t) => (indices[t.name]?.length ?? 0) === 0)) return;
    let ofProbe = this.byProbe.get(probe);
    if (!ofProbe) this.byProbe.set(probe, (ofProbe = new Map<string, TableIndices>()));
    if (ofProbe.size >= 10_000) ofProbe.clear();
    ofProbe.set(model, indices);
  }
}
