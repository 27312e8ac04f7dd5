import type { Latency } from './latency.js';

export interface OpenFigures {
  rate: number;
  seconds: number;
  attempted: number;
  ok: number;
  errors: Record<string, number>;
  /** Client-side: from the request sent to the whole 201 body received, ms. */
  latency_ms: Latency;
  /** The opens sent after the first second: the service past its first requests' warm-up (JIT, pools). */
  after_first_second_ms: Latency;
  achieved_rate: number;
  /** How late the open-loop scheduler sent a request at worst (the load generator's own lag), ms. */
  send_lag_max_ms: number;
  /** From the POST sent to the fresh-probe `diagnosis` event on the conversation's stream, ms. */
  fresh_probe: { sampled: number; received: number; latency_ms: Latency; outcomes: Record<string, number> };
  serve_cpu_s: number;
  /** The service's CPU per second over 3 s before the opens: polling and the advisor, the background. */
  serve_cpu_idle_per_s: number;
  /** (serve_cpu_s − background) ÷ opens: what one open costs the service, ms. */
  serve_cpu_ms_per_open: number;
}

export interface FaultPathFigures {
  fault: string;
  repeats: number;
  received: number;
  /** From the control-API POST of the fault to `suggestion.created` on the stream, ms. */
  latency_ms: Latency;
  suggestion_kinds: Record<string, number>;
  interval_s: number;
  /** The bar for the poll path: one interval + 1 s. */
  bar_ms: number;
  within_bar: number;
  /** Traps the simulator sent and the service recorded over the phase (wan_down and its linkUp). */
  traps_sent: number;
  traps_received: number;
  /** From the fault to the service recording the device's trap (trap path), ms. */
  fault_to_trap_ms: Latency;
  /** From the fault to the poller opening the device's finding (detection, with its hysteresis), ms. */
  fault_to_finding_ms: Latency;
  /** From the trap recorded to the finding opened (the re-poll, and the confirming one if needed), ms. */
  trap_to_finding_ms: Latency;
  /** From the finding opened to the advisor writing its suggestion.created, ms. */
  finding_to_suggestion_ms: Latency;
  /** From the finding opened to the suggestion on the stream (advisor, event hub, SSE), ms. */
  finding_to_stream_ms: Latency;
}

export interface OutageFigures {
  subscribers: number;
  settle_s: number;
  streams_requested: number;
  streams_open: number;
  open_errors: Record<string, number>;
  /** Streams whose fresh-probe diagnosis came after they connected (else it came before: no replay asked). */
  streams_fresh: number;
  /** From the fault POST to the root's down finding (detection: unreachable after its failed polls), ms. */
  fault_to_root_finding_ms: number | null;
  /** Devices overdue in the poll schedule by more than 2 s: the most seen before the fault, and after it. */
  poll_late_devices: { before: number; after: number };
  /** From the fault POST to the incident.opened event's `at`, ms. */
  fault_to_opened_ms: number | null;
  /** From incident.opened `at` to each stream's outage_notice `suggestion.created`, ms. */
  opened_to_notice_ms: Latency;
  /** From the fault POST to the last stream's notice, ms. */
  fault_to_last_notice_ms: number | null;
  notices_received: number;
  streams_missing_notice: number;
  /** Streams the server ended during the outage (a slow reader is cut off past its queue). */
  streams_cut: number;
  /** What the advisor wrote to the event stream after the fault (read back from Redis). */
  written: {
    outage_notices: number;
    /** From incident.opened `at` to the last notice's stream entry, ms. */
    opened_to_last_notice_written_ms: number | null;
    incident_updated: number;
    /** Size of the incident.opened / incident.updated payloads: each goes to every open stream. */
    incident_event_kb: number[];
  };
  /** Per stream over the outage: incident.updated events and MB received. */
  incident_updated_per_stream: number;
  mb_received_per_stream: number;
  serve_cpu_s: number;
  wall_s: number;
  /** The fault POST and the last notice received, ms since epoch (to cut a CPU profile). */
  window_ms: [number, number];
}

export interface ConversationBenchResult {
  setup: {
    /** The Redis prefix the run used (deleted at the end). */
    prefix: string;
    devices: number;
    cpes: number;
    parent: string;
    interval_s: number;
    settle_s: number;
    poll_shards: number;
    processes: string[];
    first_poll_cycle_s: number;
    sim_start_ms: number;
  };
  open?: OpenFigures;
  trap_path?: FaultPathFigures;
  poll_path?: FaultPathFigures;
  outage?: OutageFigures;
  /** Each phase's start and end (ms since epoch), and when each serve process was spawned: to cut a CPU profile. */
  windows: Record<string, [number, number]>;
  /** Warnings and errors the service logged, by message. */
  service_warnings: Record<string, number>;
  serve_rss_mb: number[];
}
