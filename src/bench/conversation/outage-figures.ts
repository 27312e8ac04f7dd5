import type { OutageFigures } from './conversation-bench-result.js';
import { latency, round } from './latency.js';
import type { OutageStream } from './outage-streams.js';
import type { WrittenEvents } from './written-events.js';

export interface OutageRun {
  subscribers: number;
  settleSeconds: number;
  requested: number;
  /** The streams the server did not cut before the fault. */
  live: readonly OutageStream[];
  openErrors: Record<string, number>;
  /** Live streams whose fresh probe came after they connected. */
  fresh: number;
  late: { before: number; after: number };
  faultAt: number;
  wallSeconds: number;
  cpuSeconds: number;
  written: WrittenEvents;
}

/** The outage's figures from what the streams saw and what the advisor wrote. */
export function outageFigures(run: OutageRun): OutageFigures {
  const { live, written, faultAt } = run;
  const openedRef = live.map((s) => s.openedAt).find((at) => at !== undefined) ?? written.openedAt;
  const notices = live.flatMap((s) => (s.noticeAt !== undefined ? [s.noticeAt] : []));
  const lastNotice = notices.length > 0 ? Math.max(...notices) : undefined;
  return {
    subscribers: run.subscribers,
    settle_s: run.settleSeconds,
    streams_requested: run.requested,
    streams_open: live.length,
    open_errors: run.openErrors,
    streams_fresh: run.fresh,
    fault_to_root_finding_ms: written.rootFindingAt !== undefined ? written.rootFindingAt - faultAt : null,
    poll_late_devices: run.late,
    fault_to_opened_ms: openedRef !== undefined ? openedRef - faultAt : null,
    opened_to_notice_ms: latency(openedRef !== undefined ? notices.map((t) => t - openedRef) : []),
    fault_to_last_notice_ms: lastNotice !== undefined ? lastNotice - faultAt : null,
    notices_received: notices.length,
    streams_missing_notice: live.filter((s) => s.noticeAt === undefined).length,
    streams_cut: live.filter((s) => s.cut).length,
    written: {
      outage_notices: written.notices,
      opened_to_last_notice_written_ms:
        openedRef !== undefined && written.lastNoticeAt !== undefined
          ? written.lastNoticeAt - openedRef
          : null,
      incident_updated: written.updated,
      incident_event_kb: written.incidentKb,
    },
    incident_updated_per_stream: round(live.reduce((n, s) => n + s.updated, 0) / Math.max(1, live.length), 1),
    mb_received_per_stream: round(
      live.reduce((n, s) => n + (s.stream?.bytes ?? 0) - s.bytesAtFault, 0) /
        Math.max(1, live.length) /
        2 ** 20,
      2,
    ),
    serve_cpu_s: round(run.cpuSeconds, 2),
    wall_s: round(run.wallSeconds, 1),
    window_ms: [faultAt, lastNotice ?? faultAt + run.wallSeconds * 1000],
  };
}
