import type { Probe } from '../probes/probe-types.js';
import { InFlightLimit } from './in-flight-limit.js';
import type { TableIndices } from './poll-plan.js';

/**
 * A poller's table walks at once, at most (a model's shared walk, a device without a model, rows not
 * its model's). A walk is a net-snmp session (a socket) and a few round trips;
 * unbounded, a million-device fleet's cold cycle on a starved poller had thousands at once, their
 * answers left unread and dropped by the kernel, each timing out in turn (README, Performance).
 */
export const WALKS_AT_ONCE = 32;

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
  private readonly ownWalks = new InFlightLimit(WALKS_AT_ONCE);
  // By probe object: a reloaded probe (POST /v1/admin/reload) learns afresh.
  private readonly byProbe = new WeakMap<
    Probe,
    Map<string, TableIndices | Promise<TableIndices | undefined>>
  >();

  /**
   * The model's rows; while a device of the model is being walked, what that walk finds (the devices
   * polled alongside the first one wait for it rather than walk too); undefined when there are none.
   */
  lent(
    probe: Probe,
    model: string | undefined,
  ): TableIndices | Promise<TableIndices | undefined> | undefined {
    return model === undefined ? undefined : this.byProbe.get(probe)?.get(model);
  }

  /**
   * Walks through `walk` unless the model's rows are known or being walked, and keeps what it finds
   * for the model unless it failed or every table came back empty (no lent row to check a device by).
   * One empty table (Net-SNMP on a host without sensors) is lent as empty: the rows a device has
   * there are, like any rows beyond its model's, learned at its next own walk.
   */
  learn(probe: Probe, model: string | undefined, walk: Promise<TableIndices | undefined>): void {
    if (model === undefined) return;
    const ofProbe = this.ofProbe(probe);
    if (ofProbe.has(model)) return;
    const forget = (): undefined => {
      ofProbe.delete(model);
      return undefined;
    };
    const kept = walk.then((indices) => {
      if (!indices || probe.tables.every((t) => (indices[t.name]?.length ?? 0) === 0)) return forget();
      ofProbe.set(model, indices);
      return indices;
    }, forget);
    ofProbe.set(model, kept);
  }

  /** A table walk, queued behind the poller's others past WALKS_AT_ONCE. */
  walkAlone<T>(walk: () => Promise<T>): Promise<T> {
    return this.ownWalks.run(walk);
  }

  private ofProbe(probe: Probe): Map<string, TableIndices | Promise<TableIndices | undefined>> {
    let ofProbe = this.byProbe.get(probe);
    if (!ofProbe) {
      ofProbe = new Map<string, TableIndices | Promise<TableIndices | undefined>>();
      this.byProbe.set(probe, ofProbe);
    }
    if (ofProbe.size >= 10_000) ofProbe.clear();
    return ofProbe;
  }
}
