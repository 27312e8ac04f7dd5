import type { AdviseBenchResult } from './advise-bench-result.js';

/** The result for people: one line per measured stage. */
export function formatAdviseBench(r: AdviseBenchResult): string {
  const events = (e: Record<string, number>): string =>
    Object.entries(e)
      .map(([type, n]) => `${n} ${type}`)
      .join(', ') || 'no events';
  return [
    `fleet: ${r.devices} devices (${r.parents} parents, ${r.cpes} CPEs), ${r.faulty_cpes} faulty CPEs; outage at ${r.outage_root} with ${r.outage_cpes} CPEs`,
    `prime (topology + findings): ${r.prime.ms} ms, RSS +${r.prime.rss_mb} MB, heap +${r.prime.heap_mb} MB, Redis +${r.prime.redis_mb} MB`,
    `first step: ${r.first_step.devices_planned} devices planned, ${r.first_step.suggestions_written} suggestions written in ${r.first_step.ms} ms (${r.first_step.us_per_device} µs per device, ${r.first_step.cpu_ms} ms CPU)`,
    `outage: findings written ${r.outage.findings_write_ms} ms, mirror caught up ${r.outage.catch_up_ms} ms; step ${r.outage.ms} ms (${r.outage.cpu_ms} ms CPU): ${events(r.outage.events)}; ${r.outage.outage_notices} outage notices, ${r.outage.affected_devices} devices and ${r.outage.affected_subscribers} subscribers affected`,
    `recovery: step ${r.recovery.ms} ms (${r.recovery.cpu_ms} ms CPU): ${events(r.recovery.events)}`,
    `idle step: median ${r.idle_step.median_ms} ms (${r.idle_step.min_ms}–${r.idle_step.max_ms} ms over ${r.idle_step.steps}), ${r.idle_step.cpu_ms_median} ms CPU; with the outage open: median ${r.idle_step_during_outage.median_ms} ms (${r.idle_step_during_outage.cpu_ms_median} ms CPU), max ${r.idle_step_during_outage.max_ms} ms over ${r.idle_step_during_outage.steps} (a step re-weighs the answers below the outage every 5 s of the bench's clock, 1 s a step)`,
    `re-plan all (every 30 s): touchAll ${r.replan_all.touch_all_ms} ms + step ${r.replan_all.ms} ms for ${r.replan_all.devices_planned} devices; during the outage ${r.replan_all_during_outage.touch_all_ms} + ${r.replan_all_during_outage.ms} ms for ${r.replan_all_during_outage.devices_planned} devices`,
    `findings reload (every 60 s): ${r.mirror_reload.ms} ms, ${r.mirror_reload.devices_changed} devices changed`,
    `Redis used_memory: inventory +${r.redis_used_mb.inventory} MB, findings +${r.redis_used_mb.findings} MB, suggestions +${r.redis_used_mb.suggestions_after_first_step} MB, total +${r.redis_used_mb.total} MB; process RSS ${r.rss_mb} MB (peak ${r.max_rss_mb} MB)`,
  ].join('\n');
}
