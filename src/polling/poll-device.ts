import type { PollTarget } from './poll-target.js';
import type { UdpGetTransport } from '../snmp/udp-get-transport.js';
import { decodeSample } from './decode-sample.js';
import { applyDerived } from '../probes/derived-metric.js';
import { getValues, readPlan, type Readings } from './read-plan.js';
import { discoverTableIndices, type Discovery } from './discover-table-indices.js';
import type { TableIndices } from './poll-plan.js';
import { PollPlanCache, type CompiledPlan } from './poll-plan-cache.js';
import type { PollOutcome, PollResult, PollSample } from '../probes/poll-result.js';
import { rowSelected } from '../probes/row-selection.js';
import { ModelDiscoveries } from './model-discoveries.js';
import type { Probe } from '../probes/probe-types.js';

export type { PollTarget } from './poll-target.js';

export interface DevicePollOutput {
  result: PollResult;
  /** Table indices to reuse next time; empty when a table changed and must be walked again. */
  indices: TableIndices;
}

export interface DevicePoller {
  poll(target: PollTarget, probe: Probe, indices?: TableIndices): Promise<DevicePollOutput>;
}

/**
 * Polls one device with its probe: on the first poll (or after a table changed) walks each table's
 * first column to learn its rows, then reads every scalar and cell with plain GETs. SNMPv1/v2c go
 * through the shared UDP transport and request templates; SNMPv3 through a net-snmp session (USM
 * needs per-message security). Never throws: every failure is a PollResult outcome.
 */
export function createDevicePoller(transport: UdpGetTransport, clock: () => number = Date.now): DevicePoller {
  const deps: PollerDeps = {
    transport,
    clock,
    plans: new PollPlanCache(),
    discoveries: new ModelDiscoveries(),
  };
  return { poll: (target, probe, indices) => pollDevice(deps, target, probe, indices) };
}

/**
 * This device's walk, shared with the devices of its model polled meanwhile (they wait for what it
 * finds; ModelDiscoveries), queued behind the poller's other own walks.
 */
function sharedWalk(deps: PollerDeps, target: PollTarget, probe: Probe): Promise<Discovery> {
  const walk = walkIfAnswering(deps, target, probe);
  deps.discoveries.learn(
    probe,
    target.model,
    walk.then((d) => (d.failure ? undefined : d.indices)),
  );
  return walk;
}

/**
 * A walk of the device's own rows once one GET of its scalars shows it answers. A device whose rows
 * are unknown (its first poll timed out on its model's rows, or it has no model) and that stays silent
 * then fails in one request's timeout instead of taking one of the poller's WALKS_AT_ONCE for a walk's:
 * 2,000 such CPEs behind a dead base station queued every poll of the poller behind their walks, and
 * its shard ticks stood still for minutes.
 */
async function walkIfAnswering(deps: PollerDeps, target: PollTarget, probe: Probe): Promise<Discovery> {
  const scalars = deps.plans.get(target.profile, probe, {});
  const first = scalars.plan.requests[0];
  if (!first) return deps.discoveries.walkAlone(() => discoverTableIndices(target, probe));
  const step = await getValues(deps.transport, target, probe, first.oids, scalars.templates?.[0]);
  if (step.outcome !== 'ok' && step.outcome !== 'error_status')
    return {
      indices: {},
      pdus: step.pdus,
      failure: { outcome: step.outcome, ...(step.reason ? { reason: step.reason } : {}) },
    };
  const walked = await deps.discoveries.walkAlone(() => discoverTableIndices(target, probe));
  return { ...walked, pdus: walked.pdus + step.pdus };
}

interface PollerDeps {
  transport: UdpGetTransport;
  clock: () => number;
  plans: PollPlanCache;
  discoveries: ModelDiscoveries;
}

/**
 * `knownIndices` undefined: the device was never polled with this probe, and may borrow its model's
 * rows; `{}` (or a table missing): walk its own (after a reboot or a table change). A device whose rows
 * are known (every poll after its first) takes the short way: its GETs, then the sample, with no async
 * frame of its own (a poll's promise layers were a tenth of the poll path's garbage).
 */
function pollDevice(
  deps: PollerDeps,
  target: PollTarget,
  probe: Probe,
  knownIndices: TableIndices | undefined,
  mayBorrow = true,
): Promise<DevicePollOutput> {
  if (knownIndices === undefined || probe.tables.some((t) => knownIndices[t.name] === undefined))
    return pollDeviceWalking(deps, target, probe, knownIndices, mayBorrow);
  const started = performance.now();
  const compiled = deps.plans.get(target.profile, probe, knownIndices);
  return readPlan(deps.transport, target, probe, compiled).then((read) =>
    sampleOf(deps, { target, probe, started, counts: { pdus: 0, retries: 0 } }, compiled, read, {
      indices: knownIndices,
      lent: false,
    }),
  );
}

/** One poll as it goes: what it polls, since when, and the requests it has made so far. */
interface PollUnderway {
  target: PollTarget;
  probe: Probe;
  started: number;
  counts: { pdus: number; retries: number };
}

function finished(
  poll: PollUnderway,
  outcome: PollOutcome,
  extra: Pick<PollResult, 'sample' | 'reason'>,
  nextIndices: TableIndices,
): DevicePollOutput {
  const { counts } = poll;
  // Field by field: spreading `extra` into the literal took V8's slow path at every poll.
  const result: PollResult = { deviceId: poll.target.id, outcome } as PollResult;
  if (extra.sample !== undefined) result.sample = extra.sample;
  if (extra.reason !== undefined) result.reason = extra.reason;
  result.meta = { durationMs: performance.now() - poll.started, retries: counts.retries, pdus: counts.pdus };
  return { result, indices: nextIndices };
}

/** A poll that must learn its table rows first: borrowed from its model, or walked. */
async function pollDeviceWalking(
  deps: PollerDeps,
  target: PollTarget,
  probe: Probe,
  knownIndices: TableIndices | undefined,
  mayBorrow: boolean,
): Promise<DevicePollOutput> {
  const poll: PollUnderway = { target, probe, started: performance.now(), counts: { pdus: 0, retries: 0 } };
  let indices = knownIndices ?? {};
  const needsWalk = probe.tables.some((t) => knownIndices?.[t.name] === undefined);
  // Decided before any await: the devices polled alongside the first of a model wait for its walk.
  const borrowed =
    knownIndices === undefined && mayBorrow ? deps.discoveries.lent(probe, target.model) : undefined;
  let walk: Promise<Discovery> | undefined;
  if (borrowed === undefined && needsWalk) walk = sharedWalk(deps, target, probe);
  let lent = borrowed === undefined ? undefined : await borrowed;
  if (lent === undefined && borrowed !== undefined) {
    // The model's walk came back with nothing (its device timed out, or every table was empty): the
    // devices that waited try it once more, the first back leading it, rather than each walking its
    // own at once (a herd of walks on a poller already too slow to finish one).
    const again = deps.discoveries.lent(probe, target.model);
    if (again !== undefined) lent = await again;
    else walk = sharedWalk(deps, target, probe);
  }
  if (lent) indices = lent;
  else if (needsWalk) {
    const discovered = await (walk ?? walkIfAnswering(deps, target, probe));
    poll.counts.pdus += discovered.pdus;
    const { failure } = discovered;
    if (failure) return finished(poll, failure.outcome, failure.reason ? { reason: failure.reason } : {}, {});
    indices = discovered.indices;
  }
  const compiled = deps.plans.get(target.profile, probe, indices);
  const read = await readPlan(deps.transport, target, probe, compiled);
  return sampleOf(deps, poll, compiled, read, { indices, lent: lent !== undefined });
}

/** The plan's readings → the poll's output: its outcome, its sample, the rows to reuse next time. */
function sampleOf(
  deps: PollerDeps,
  poll: PollUnderway,
  compiled: CompiledPlan,
  read: Readings,
  rows: { indices: TableIndices; lent: boolean },
): DevicePollOutput | Promise<DevicePollOutput> {
  const { probe, counts } = poll;
  const { indices, lent } = rows;
  counts.pdus += read.pdus;
  counts.retries += read.retries;
  const { firstFailure } = read;
  // Nothing answered: the device's outcome is the failure's. Some answered: a partial sample.
  if (firstFailure && firstFailure.outcome !== 'error_status' && read.answered === 0)
    // Lent rows nothing confirmed are not kept: the next poll walks the device's own.
    return finished(
      poll,
      firstFailure.outcome,
      firstFailure.reason ? { reason: firstFailure.reason } : {},
      lent ? {} : indices,
    );
  const { sample, missing, tableChanged } = decodeSample(compiled.slots, read.values, deps.clock());
  if (lent && read.answered > 0 && (tableChanged || !lentRowsHold(probe, sample))) {
    // Its model's rows are not this device's: it is walked on its own, in this same poll.
    return pollDeviceWalking(deps, poll.target, probe, undefined, false).then((own) => {
      own.result.meta.pdus += counts.pdus;
      own.result.meta.retries += counts.retries;
      return own;
    });
  }
  if (probe.derived.length > 0) applyDerived(probe.derived, sample);
  const partial = missing.length > 0 || firstFailure !== undefined;
  const clean = read.problems.length === 0 && missing.length === 0;
  const reason = clean ? '' : [...read.problems, ...missingReason(missing)].join('; ');
  return finished(
    poll,
    partial ? 'partial' : 'ok',
    reason ? { sample, reason } : { sample },
    tableChanged ? {} : indices,
  );
}

/** Every lent row still passes its table's row selection (the RAM row is RAM on this device too). */
function lentRowsHold(probe: Probe, sample: PollSample): boolean {
  return probe.tables.every(
    (t) => !t.rows || Object.values(sample.tables[t.name] ?? {}).every((row) => rowSelected(t.rows, row)),
  );
}

function missingReason(missing: readonly string[]): string[] {
  if (missing.length === 0) return [];
  return [`missing: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''}`];
}
