import type { Latency } from '../conversation/latency.js';

/** One path's power cuts: seconds from `down` to the outage notice in the conversation. */
export interface CutFigures {
  runs: number;
  /** Cuts whose conversation got its outage notice before the deadline. */
  notified: number;
  /** Seconds, to 0.1, per run in order (null: no notice before the deadline). */
  seconds: (number | null)[];
  /** Of the notified runs, seconds. */
  latency_s: Latency;
}

export interface LossFigures {
  percent: number;
  devices: number;
  seconds: number;
  /** incident.opened events while every device dropped that share of requests: must be 0. */
  false_outages: number;
  /** outage_notice suggestions created meanwhile: must be 0. */
  outage_notices: number;
  /** Outage-check rounds run meanwhile, and how many confirmed a silence. */
  check_rounds: number;
  check_rounds_confirming: number;
}

export interface OutageBenchResult {
  setup: {
    cpes: number;
    parent: string;
    probes: string;
    settle_s: number;
    runs: number;
    /** The Redis prefix of each stack (polling alone, with traps, the loss run), deleted when it stopped. */
    prefixes: string[];
  };
  polling?: CutFigures;
  traps?: CutFigures;
  loss?: LossFigures;
}
