export { DRILLS, DRILL_NAMES, runDrill, type DrillName } from './drills.js';
export type { DrillOptions } from './drill-options.js';
export type { DrillCheck, DrillReport } from './drill-report.js';
export { formatDrill } from './format-drill.js';
