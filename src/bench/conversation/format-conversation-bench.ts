import type { ConversationBenchResult, FaultPathFigures, OpenFigures } from './conversation-bench-result.js';
import type { Latency } from './latency.js';

const ms = (l: Latency): string =>
  `p50 ${l.p50} ms, p90 ${l.p90} ms, p99 ${l.p99} ms, max ${l.max} ms (n=${l.n})`;

export function formatOpen(o: OpenFigures): string {
  const errors = Object.entries(o.errors)
    .map(([k, v]) => `${v}× ${k}`)
    .join(', ');
  return `${o.ok}/${o.attempted} opened at ${o.achieved_rate}/s: ${ms(o.latency_ms)}${errors ? `; errors: ${errors}` : ''}`;
}

export function formatFault(f: FaultPathFigures): string {
  const trap = f.fault_to_trap_ms.n > 0 ? `fault → trap recorded p50 ${f.fault_to_trap_ms.p50} ms; ` : '';
  return `${f.received}/${f.repeats} suggestion.created (${Object.keys(f.suggestion_kinds).join(', ')}): ${ms(f.latency_ms)}; ${f.within_bar} within one interval + 1 s (${f.bar_ms} ms); traps sent ${f.traps_sent}, recorded ${f.traps_received}
    ${trap}fault → finding opened p50 ${f.fault_to_finding_ms.p50} ms (min ${f.fault_to_finding_ms.min}, max ${f.fault_to_finding_ms.max}); finding → suggestion written p50 ${f.finding_to_suggestion_ms.p50} ms, max ${f.finding_to_suggestion_ms.max} ms; finding → stream p50 ${f.finding_to_stream_ms.p50} ms, max ${f.finding_to_stream_ms.max} ms`;
}

/** The readable summary. */
export function formatConversationBench(r: ConversationBenchResult): string {
  const lines: string[] = [];
  const s = r.setup;
  lines.push(
    `fleet: ${s.parent} with ${s.cpes} CPEs (one subscriber each); probe interval ${s.interval_s} s, ${s.poll_shards} poll shards, outage settle ${s.settle_s} s; vigil serve as ${s.processes.map((p) => `[${p}]`).join(' + ')}; first poll of every device ${s.first_poll_cycle_s} s after import`,
  );
  if (r.open) {
    const o = r.open;
    lines.push(
      `open → snapshot (POST /v1/conversations, ${o.rate}/s for ${o.seconds} s, open-loop): ${formatOpen(o)}`,
    );
    lines.push(`  after the first second: ${ms(o.after_first_second_ms)}`);
    lines.push(
      `  sender lag max ${o.send_lag_max_ms} ms; service CPU ${o.serve_cpu_s} s (${o.serve_cpu_idle_per_s} s/s before the opens: polling and advisor; so ~${o.serve_cpu_ms_per_open} ms per open)`,
    );
    const f = o.fresh_probe;
    lines.push(
      `open → fresh-probe diagnosis on the stream (${f.received}/${f.sampled} sampled): ${ms(f.latency_ms)}; probe outcomes ${JSON.stringify(f.outcomes)}`,
    );
  }
  if (r.trap_path)
    lines.push(`fault → suggestion, trap path (${r.trap_path.fault}): ${formatFault(r.trap_path)}`);
  if (r.poll_path)
    lines.push(`fault → suggestion, poll path (${r.poll_path.fault}): ${formatFault(r.poll_path)}`);
  if (r.outage) {
    const o = r.outage;
    lines.push(
      `outage fan-out: ${o.streams_open} streams open (${o.streams_requested} asked) of ${o.subscribers} subscribers; settle ${o.settle_s} s`,
    );
    lines.push(
      `  fault → ${r.setup.parent}'s down finding: ${o.fault_to_root_finding_ms ?? 'n/a'} ms; → incident.opened at: ${o.fault_to_opened_ms ?? 'n/a'} ms; devices overdue > 2 s in the poll schedule: ${o.poll_late_devices.before} before, up to ${o.poll_late_devices.after} after`,
    );
    lines.push(`  incident.opened → outage_notice on the streams: ${ms(o.opened_to_notice_ms)}`);
    lines.push(
      `  fault → last notice: ${o.fault_to_last_notice_ms ?? 'n/a'} ms; ${o.notices_received} received, ${o.streams_missing_notice} missing, ${o.streams_cut} streams cut`,
    );
    lines.push(
      `  written: ${o.written.outage_notices} notices, the last ${o.written.opened_to_last_notice_written_ms ?? 'n/a'} ms after opened; ${o.written.incident_updated} incident.updated (payloads KB: ${o.written.incident_event_kb.slice(0, 8).join(', ')}${o.written.incident_event_kb.length > 8 ? ', …' : ''})`,
    );
    lines.push(
      `  per stream: ${o.incident_updated_per_stream} incident.updated, ${o.mb_received_per_stream} MB received; service CPU ${o.serve_cpu_s} s over ${o.wall_s} s`,
    );
  }
  const warnings = Object.entries(r.service_warnings);
  if (warnings.length > 0)
    lines.push(`service warnings: ${warnings.map(([msg, n]) => `${n}× ${msg}`).join('; ')}`);
  lines.push(`service RSS at the end: ${r.serve_rss_mb.join(' + ')} MB`);
  return lines.join('\n');
}
