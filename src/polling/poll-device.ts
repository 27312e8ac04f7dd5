import type { AuthProfile } from '../snmp/auth-profile.js';
import { createGetRequestTemplate, type GetRequestTemplate } from '../snmp/get-request-template.js';
import { snmpGet, snmpWalk } from '../snmp/snmp-session.js';
import type { SnmpException, SnmpValue } from '../snmp/snmp-value.js';
import type { UdpGetTransport } from '../snmp/udp-get-transport.js';
import { decodeSample } from './decode-sample.js';
import {
  buildPollPlan,
  discoveryColumn,
  type PlanSlot,
  type PollPlan,
  type TableIndices,
} from './poll-plan.js';
import type { PollOutcome, PollResult } from '../probes/poll-result.js';
import type { Probe } from '../probes/probe-types.js';

export interface PollTarget {
  id: string;
  host: string;
  port: number;
  profile: AuthProfile;
}

export interface DevicePollOutput {
  result: PollResult;
  /** Table indices to reuse next time; empty when a table changed and must be walked again. */
  indices: TableIndices;
}

export interface DevicePoller {
  poll(target: PollTarget, probe: Probe, indices?: TableIndices): Promise<DevicePollOutput>;
}

type Values = (SnmpValue | SnmpException)[];
interface Step {
  outcome: PollOutcome | 'error_status';
  values: Values;
  reason?: string;
  retries: number;
  pdus: number;
}

/**
 * Polls one device with its probe: on the first poll (or after a table changed) walks each table's
 * first column to learn its rows, then reads every scalar and cell with plain GETs. SNMPv1/v2c go
 * through the shared UDP transport and request templates; SNMPv3 through a net-snmp session (USM
 * needs per-message security). Never throws: every failure is a PollResult outcome.
 */
export function createDevicePoller(transport: UdpGetTransport, clock: () => number = Date.now): DevicePoller {
  /**
   * A device's GETs depend only on its probe, its auth profile and its table rows: built once and
   * reused every poll (the plan, the flattened slots, and for v1/v2c the encoded request templates).
   */
  interface CompiledPlan {
    plan: PollPlan;
    slots: PlanSlot[];
    templates: GetRequestTemplate[] | undefined;
  }
  // By probe object: a reloaded probe (POST /v1/admin/reload) gets plans of its own.
  const plans = new WeakMap<Probe, Map<string, CompiledPlan>>();

  const compiledPlan = (profile: AuthProfile, probe: Probe, indices: TableIndices): CompiledPlan => {
    // Keyed by profile name, not by community: no credential is kept in a map key.
    const rows = probe.tables.map((t) => (indices[t.name] ?? []).join(',')).join(';');
    const key = `${profile.name}\u0000${profile.version}\u0000${rows}`;
    let ofProbe = plans.get(probe);
    if (!ofProbe) {
      ofProbe = new Map();
      plans.set(probe, ofProbe);
    }
    let found = ofProbe.get(key);
    if (!found) {
      const plan = buildPollPlan(probe, indices);
      const version = profile.version === '1' ? '1' : '2c';
      const templates =
        profile.version === '3'
          ? undefined
          : plan.requests.map((r) =>
              createGetRequestTemplate(version, profile.community?.reveal() ?? '', r.oids),
            );
      found = { plan, slots: plan.requests.flatMap((r) => r.slots), templates };
      if (ofProbe.size > 50_000) ofProbe.clear();
      ofProbe.set(key, found);
    }
    return found;
  };

  const get = async (
    target: PollTarget,
    probe: Probe,
    oids: string[],
    template: GetRequestTemplate | undefined,
  ): Promise<Step> => {
    if (target.profile.version === '3' || !template) {
      const result = await snmpGet({ ...target, timeoutMs: probe.timeoutMs, retries: probe.retries }, oids);
      return {
        outcome: result.outcome === 'error_status' ? 'error_status' : result.outcome,
        values: result.varbinds.map((vb) => vb.value),
        ...(result.reason ? { reason: result.reason } : {}),
        retries: 0,
        pdus: 1,
      };
    }
    const result = await transport.get(target, template, {
      timeoutMs: probe.timeoutMs,
      retries: probe.retries,
    });
    return {
      outcome: result.outcome,
      values: result.values,
      ...(result.reason ? { reason: result.reason } : {}),
      retries: result.retries,
      pdus: result.pdus,
    };
  };

  const discover = async (
    target: PollTarget,
    probe: Probe,
  ): Promise<{ indices: TableIndices; step?: Step; pdus: number }> => {
    const indices: TableIndices = {};
    let pdus = 0;
    for (const table of probe.tables) {
      const column = discoveryColumn(probe, table.name);
      if (!column) continue;
      const walk = await snmpWalk(
        { ...target, timeoutMs: probe.timeoutMs, retries: probe.retries },
        column.oid,
        {
          maxRepetitions: probe.maxRepetitions,
          maxVarbinds: table.maxRows,
        },
      );
      pdus += Math.max(1, Math.ceil(walk.varbinds.length / probe.maxRepetitions));
      if (walk.outcome !== 'ok' && walk.varbinds.length === 0) {
        return {
          indices,
          pdus,
          step: {
            outcome: walk.outcome === 'error_status' ? 'transport_error' : walk.outcome,
            values: [],
            ...(walk.reason ? { reason: walk.reason } : {}),
            retries: 0,
            pdus,
          },
        };
      }
      indices[table.name] = walk.varbinds.map((vb) => vb.oid.slice(column.oid.length + 1));
    }
    return { indices, pdus };
  };

  return {
    async poll(target, probe, knownIndices) {
      const started = performance.now();
      const needsDiscovery = probe.tables.some((t) => knownIndices?.[t.name] === undefined);
      let indices = knownIndices ?? {};
      let pdus = 0;
      let retries = 0;
      const done = (
        outcome: PollOutcome,
        extra: Partial<PollResult>,
        nextIndices: TableIndices,
      ): DevicePollOutput => ({
        result: {
          deviceId: target.id,
          outcome,
          ...extra,
          meta: { durationMs: performance.now() - started, retries, pdus },
        },
        indices: nextIndices,
      });

      if (needsDiscovery) {
        const discovered = await discover(target, probe);
        pdus += discovered.pdus;
        if (discovered.step)
          return done(
            discovered.step.outcome as PollOutcome,
            discovered.step.reason ? { reason: discovered.step.reason } : {},
            {},
          );
        indices = discovered.indices;
      }

      const { plan, slots, templates } = compiledPlan(target.profile, probe, indices);
      const values: Values = [];
      const problems: string[] = [];
      let firstFailure: Step | undefined;
      let answered = 0;
      for (const [r, request] of plan.requests.entries()) {
        const step = await get(target, probe, request.oids, templates?.[r]);
        pdus += step.pdus;
        retries += step.retries;
        if (step.outcome === 'ok') {
          answered += 1;
          values.push(...step.values);
        } else {
          firstFailure ??= step;
          if (step.reason) problems.push(step.reason);
          values.push(...request.oids.map((): SnmpException => 'noSuchObject'));
          // A silent device will not answer the next request either.
          if (step.outcome !== 'error_status') break;
        }
      }
      while (values.length < slots.length) values.push('noSuchObject');
      // Nothing answered: the device's outcome is the failure's. Some answered: a partial sample.
      if (firstFailure && firstFailure.outcome !== 'error_status' && answered === 0) {
        return done(
          firstFailure.outcome,
          firstFailure.reason ? { reason: firstFailure.reason } : {},
          indices,
        );
      }
      const { sample, missing, tableChanged } = decodeSample(slots, values, clock());
      const partial = missing.length > 0 || firstFailure !== undefined;
      const reason = [
        ...problems,
        ...(missing.length > 0
          ? [`missing: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''}`]
          : []),
      ].join('; ');
      return done(
        partial ? 'partial' : 'ok',
        { sample, ...(reason ? { reason } : {}) },
        tableChanged ? {} : indices,
      );
    },
  };
}
