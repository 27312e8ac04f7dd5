import type { SuggestionRecord } from '../../src/diagnosis/suggestion-record.js';

/** A technician visit as the advisor proposes it for a CPE's reboot loop (playbooks/cpe.yaml). */
export function technicianVisitFor(deviceId: string, subscriberId: string): SuggestionRecord {
  const at = Date.now();
  return {
    id: `${deviceId}:technician_visit:${deviceId}:reboot_loop`,
    deviceId,
    subscriberIds: [subscriberId],
    kind: 'technician_visit',
    state: 'proposed',
    priority: 1,
    text: {
      en: 'Book a technician visit: the router rebooted 3 times in 3600 s. Do not offer a reboot.',
      ru: 'Вызовите техника: роутер перезагрузился 3 раза за 3600 с.',
    },
    ruleId: 'cpe-technician-hardware',
    rule: { file: 'playbooks/cpe.yaml', line: 77 },
    cause: { findingIds: [`${deviceId}:reboot_loop`] },
    evidence: [{ summary: 'rebooted 3 times in 1 h', values: { reboots: 3, windowSeconds: 3600 } }],
    createdAt: at,
    updatedAt: at,
    version: 1,
    history: [{ at, state: 'proposed', reason: 'test' }],
  };
}
