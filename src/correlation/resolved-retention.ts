/**
 * How long a resolved incident stays readable (NOC reports, outcome learning), and with it what was
 * recorded about it elsewhere (its outage SMS): one rule, so nothing outlives the incident it explains.
 */
export const RESOLVED_INCIDENT_RETENTION_MS = 30 * 24 * 3_600_000;
