import { detect, initialDetectionState, type DetectionState } from '../detection/index.js';
import { UdpGetTransport } from '../snmp/udp-get-transport.js';
import type { PollOutcome, PollSample, Rates } from '../probes/poll-result.js';
import type { DeviceKind, Probe } from '../probes/probe-types.js';
import { computeRates } from './compute-rates.js';
import { createDevicePoller, type PollTarget } from './poll-device.js';

/** What `vigil probe`'s polls of one device saw: the last sample, rates, detection and each poll. */
export interface ProbeSamples {
  state: DetectionState;
  sample: PollSample | undefined;
  rates: Rates;
  last: { outcome: PollOutcome; reason?: string };
  meta: {
    durationMs: number;
    pdus: number;
    retries: number;
    polls: { at: number; outcome: PollOutcome; reason?: string }[];
  };
}

/** Takes `samples` polls `intervalMs` apart, running detection on each as the service would. */
export async function takeProbeSamples(
  target: PollTarget,
  probe: Probe,
  device: { id: string; kind: DeviceKind },
  timing: { samples: number; intervalMs: number; clock: () => number; sleep: (ms: number) => Promise<void> },
): Promise<ProbeSamples> {
  const { clock } = timing;
  const transport = new UdpGetTransport();
  const poller = createDevicePoller(transport, clock);
  const seen: ProbeSamples = {
    state: initialDetectionState(device.id),
    sample: undefined,
    rates: {},
    last: { outcome: 'transport_error' },
    meta: { durationMs: 0, pdus: 0, retries: 0, polls: [] },
  };
  let indices = {};
  try {
    for (let i = 0; i < timing.samples; i++) {
      if (i > 0) await timing.sleep(timing.intervalMs);
      const output = await poller.poll(target, probe, indices);
      const { result } = output;
      indices = output.indices;
      const pollRates = result.sample ? computeRates(probe, seen.sample, result.sample) : {};
      if (result.sample) {
        if (seen.sample) seen.rates = pollRates;
        seen.sample = result.sample;
      }
      seen.state = detect({
        probe,
        device,
        state: seen.state,
        poll: result,
        rates: pollRates,
        now: clock(),
      }).state;
      seen.last = { outcome: result.outcome, ...(result.reason ? { reason: result.reason } : {}) };
      seen.meta.pdus += result.meta.pdus;
      seen.meta.retries += result.meta.retries;
      seen.meta.polls.push({ at: result.sample?.at ?? clock(), ...seen.last });
    }
  } finally {
    await transport.close();
  }
  return seen;
}
