/** One invariant a drill checked from outside, with what it measured. */
export interface DrillCheck {
  invariant: string;
  pass: boolean;
  measured: string;
}

export interface DrillReport {
  drill: string;
  quick: boolean;
  pass: boolean;
  /** The fault, in words. */
  fault: string;
  checks: DrillCheck[];
  /** From the fault's end (Redis back, the process killed) to the service whole again; undefined if never. */
  recoveryMs: number | undefined;
  /** What the fault cost, in words ('nothing' or the list). */
  lost: string[];
  /** Other figures worth a row in the README (request times while Redis was down…). */
  figures: Record<string, number>;
  durationMs: number;
}

export function check(invariant: string, pass: boolean, measured: string): DrillCheck {
  return { invariant, pass, measured };
}

export function finishReport(base: Omit<DrillReport, 'pass' | 'durationMs'>, startedAt: number): DrillReport {
  return { ...base, pass: base.checks.every((c) => c.pass), durationMs: Date.now() - startedAt };
}
