export interface StepFigures {
  ms: number;
  cpu_ms: number;
  devices_planned: number;
  suggestion_events: number;
  events: Record<string, number>;
}

export interface IdleFigures {
  median_ms: number;
  min_ms: number;
  max_ms: number;
  cpu_ms_median: number;
  steps: number;
}

export interface AdviseBenchResult {
  devices: number;
  parents: number;
  cpes: number;
  subscribers: number;
  faulty_cpes: number;
  outage_root: string;
  outage_cpes: number;
  import_s: number;
  findings_write_ms: number;
  prime: {
    ms: number;
    /** Process RSS and V8 heap growth over prime() (after a GC on either side when available). */
    rss_mb: number;
    heap_mb: number;
    /** Redis used_memory growth over prime() (it only reads: ~0). */
    redis_mb: number;
    devices_with_findings: number;
  };
  first_step: StepFigures & { us_per_device: number; suggestions_written: number };
  outage: StepFigures & {
    findings_write_ms: number;
    catch_up_ms: number;
    incidents_opened: number;
    outage_notices: number;
    affected_devices: number;
    affected_subscribers: number;
  };
  recovery: StepFigures & {
    findings_write_ms: number;
    catch_up_ms: number;
    incidents_resolved: number;
    notices_withdrawn: number;
  };
  /** Steps with nothing changed and no incident: the steady-state cost of the loop. */
  idle_step: IdleFigures;
  /** The same while the outage is open. */
  idle_step_during_outage: IdleFigures;
  /** touchAll() + step(): every 30 s in the role's loop (every device with findings or live suggestions). */
  replan_all: StepFigures & { touch_all_ms: number };
  /** The same while the outage is open (its notices are live suggestions too). */
  replan_all_during_outage: StepFigures & { touch_all_ms: number };
  /** mirror.reload(): every 60 s in the role's loop; devices_changed should be 0. */
  mirror_reload: { ms: number; devices_changed: number };
  redis_used_mb: { inventory: number; findings: number; suggestions_after_first_step: number; total: number };
  rss_mb: number;
  max_rss_mb: number;
}
