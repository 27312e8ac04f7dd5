import type { GetRequestTemplate } from '../snmp/get-request-template.js';
import { snmpGet } from '../snmp/snmp-session.js';
import type { SnmpException, SnmpValue } from '../snmp/snmp-value.js';
import type { UdpGetTransport } from '../snmp/udp-get-transport.js';
import type { PollOutcome } from '../probes/poll-result.js';
import type { Probe } from '../probes/probe-types.js';
import type { CompiledPlan } from './poll-plan-cache.js';
import type { PollTarget } from './poll-target.js';
import { getSkippingNoSuchName } from './v1-no-such-name.js';

type Values = (SnmpValue | SnmpException)[];
export interface Step {
  outcome: PollOutcome | 'error_status';
  values: Values;
  reason?: string;
  retries: number;
  pdus: number;
}

/** What the plan's GETs brought back: one value per slot, a failed request's slots noSuchObject. */
export interface Readings {
  values: Values;
  problems: string[];
  firstFailure: Step | undefined;
  answered: number;
  pdus: number;
  retries: number;
}

export function readPlan(
  transport: UdpGetTransport,
  target: PollTarget,
  probe: Probe,
  compiled: CompiledPlan,
): Promise<Readings> {
  const { plan, slots, templates, options } = compiled;
  const template = templates?.[0];
  // The usual plan, one GET over v2c: its readings straight from the transport's outcome.
  if (plan.requests.length !== 1 || !template || target.profile.version !== '2c')
    return readRequests(transport, target, probe, compiled);
  return transport.get(target, template, options).then((result): Readings => {
    const read: Readings = {
      values: result.values,
      problems: [],
      firstFailure: undefined,
      answered: 0,
      pdus: result.pdus,
      retries: result.retries,
    };
    if (result.outcome === 'ok') read.answered = 1;
    else {
      const step: Step = {
        outcome: result.outcome,
        values: result.values,
        retries: result.retries,
        pdus: result.pdus,
      };
      if (result.reason) {
        step.reason = result.reason;
        read.problems.push(result.reason);
      }
      read.firstFailure = step;
      read.values = [];
    }
    while (read.values.length < slots.length) read.values.push('noSuchObject');
    return read;
  });
}

async function readRequests(
  transport: UdpGetTransport,
  target: PollTarget,
  probe: Probe,
  { plan, slots, templates }: CompiledPlan,
): Promise<Readings> {
  const read: Readings = {
    values: [],
    problems: [],
    firstFailure: undefined,
    answered: 0,
    pdus: 0,
    retries: 0,
  };
  for (const [r, request] of plan.requests.entries()) {
    const step = await getValues(transport, target, probe, request.oids, templates?.[r]);
    read.pdus += step.pdus;
    read.retries += step.retries;
    if (step.outcome === 'ok') {
      read.answered += 1;
      // The transport's array is this request's own: the first answer is kept as it is, not copied.
      if (read.values.length === 0) read.values = step.values;
      else for (const value of step.values) read.values.push(value);
    } else {
      read.firstFailure ??= step;
      if (step.reason) read.problems.push(step.reason);
      read.values.push(...request.oids.map((): SnmpException => 'noSuchObject'));
      // A silent device will not answer the next request either.
      if (step.outcome !== 'error_status') break;
    }
  }
  while (read.values.length < slots.length) read.values.push('noSuchObject');
  return read;
}

/** One GET: v1/v2c through the shared transport and its template, v3 through a session. */
export async function getValues(
  transport: UdpGetTransport,
  target: PollTarget,
  probe: Probe,
  oids: string[],
  template: GetRequestTemplate | undefined,
): Promise<Step> {
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
  const options = { timeoutMs: probe.timeoutMs, retries: probe.retries };
  let result = await transport.get(target, template, options);
  if (target.profile.version === '1' && result.outcome === 'error_status')
    result = await getSkippingNoSuchName(transport, target, oids, result, options);
  return {
    outcome: result.outcome,
    values: result.values,
    ...(result.reason ? { reason: result.reason } : {}),
    retries: result.retries,
    pdus: result.pdus,
  };
}
