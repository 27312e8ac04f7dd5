/**
 * Correlation: open findings + topology + maintenance → incidents (outages, planned works) with a
 * lifecycle, and the findings they inhibit. Pure: no I/O, no clock; the caller passes `now`.
 */
export { acknowledge } from './acknowledge.js';
export { activeWindow } from './active-window.js';
export { correlate, type CorrelateInput, type CorrelateOutput } from './correlate.js';
export { DEFAULT_CORRELATION_CONFIG, type CorrelationConfig } from './correlation-config.js';
export { ancestorsOf, type CorrelationTopology } from './correlation-topology.js';
export { diffIncident } from './diff-incident.js';
export { findOutageRoots, isDownFinding, outageHolds, type OutageRoots } from './find-outage-roots.js';
export {
  INCIDENT_KINDS,
  incidentId,
  type Incident,
  type IncidentCause,
  type IncidentChange,
  type IncidentDiff,
  type IncidentKind,
  type IncidentState,
  type MaintenanceTarget,
  type MaintenanceWindow,
} from './incident.js';
export { summarizeIncident, type IncidentSummary } from './incident-summary.js';
export { RESOLVED_INCIDENT_RETENTION_MS } from './resolved-retention.js';
export { setEtaNote, type EtaNotePatch } from './set-eta-note.js';
export { editChange, type IncidentEdit } from './incident-edit.js';
export { topologyFromInventory } from './topology-from-inventory.js';
