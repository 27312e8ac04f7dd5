/** The public face of outage SMS for the stages after it (diagnosis, outcomes, roles). */
export { createSmsStore, type SmsStore } from './sms-store.js';
export {
  SMS_KINDS,
  smsView,
  type SmsKind,
  type SmsRecord,
  type SmsState,
  type SmsView,
} from './sms-record.js';
export { incidentSmsSummary, type IncidentSmsSummary, type SmsCounts } from './incident-sms-summary.js';
export type { SmsConfig } from './sms-config.js';
export { CONTACT_AFTER_NOTICE_MS, smsReport, type SmsReport } from './sms-report.js';
