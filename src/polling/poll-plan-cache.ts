import type { AuthProfile } from '../snmp/auth-profile.js';
import { createGetRequestTemplate, type GetRequestTemplate } from '../snmp/get-request-template.js';
import type { Probe } from '../probes/probe-types.js';
import { buildPollPlan, type PlanSlot, type PollPlan, type TableIndices } from './poll-plan.js';

/**
 * A device's GETs depend only on its probe, its auth profile and its table rows: built once and
 * reused every poll (the plan, the flattened slots, and for v1/v2c the encoded request templates).
 */
export interface CompiledPlan {
  plan: PollPlan;
  slots: PlanSlot[];
  templates: GetRequestTemplate[] | undefined;
  /** The probe's timeout and retries, made once: a GET's options were an object per poll. */
  options: { timeoutMs: number; retries: number };
}

/** Compiled plans by probe, auth profile and table rows. */
export class PollPlanCache {
  // By probe object: a reloaded probe (POST /v1/admin/reload) gets plans of its own.
  private readonly plans = new WeakMap<Probe, Map<string, CompiledPlan>>();

  get(profile: AuthProfile, probe: Probe, indices: TableIndices): CompiledPlan {
    // Keyed by profile name, not by community: no credential is kept in a map key.
    const rows = probe.tables.map((t) => (indices[t.name] ?? []).join(',')).join(';');
    const key = `${profile.name}\u0000${profile.version}\u0000${rows}`;
    let ofProbe = this.plans.get(probe);
    if (!ofProbe) {
      ofProbe = new Map();
      this.plans.set(probe, ofProbe);
    }
    let found = ofProbe.get(key);
    if (!found) {
      found = compilePlan(profile, probe, indices);
      if (ofProbe.size > 50_000) ofProbe.clear();
      ofProbe.set(key, found);
    }
    return found;
  }
}

function compilePlan(profile: AuthProfile, probe: Probe, indices: TableIndices): CompiledPlan {
  const plan = buildPollPlan(probe, indices, undefined, { counter64: profile.version !== '1' });
  const version = profile.version === '1' ? '1' : '2c';
  const templates =
    profile.version === '3'
      ? undefined
      : plan.requests.map((r) =>
          createGetRequestTemplate(version, profile.community?.reveal() ?? '', r.oids),
        );
  const options = { timeoutMs: probe.timeoutMs, retries: probe.retries };
  return { plan, slots: plan.requests.flatMap((r) => r.slots), templates, options };
}
