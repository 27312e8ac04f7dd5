import type { Job } from 'bullmq';
import type { RoundVerdict } from '../polling/outage-check.js';
import { OUTAGE_CHECK_JOB, type OutageCheckJob, type OutageChecks } from '../polling/outage-checks.js';
import type { PollReport, PollService } from '../polling/poll-service.js';
import { PROBE_BATCH_JOB, probeBatchIds } from '../polling/probe-batch-job.js';
import type { ProbeJob } from '../polling/trap-repoll.js';

/**
 * The probe queue's jobs, on a poller: one device ahead of its slot (a trap, the NOC's probe), a batch
 * (conversations' fresh probes, answered with every device's report), or a round of an outage check.
 * Every poll is followed by the outage checks and the process's hook, as a scheduled poll is.
 */
export function probeProcessor(
  service: PollService,
  checks: OutageChecks,
  onPolled?: (reports: readonly PollReport[]) => void,
) {
  const polled = async (ids: string[], job?: ProbeJob): Promise<PollReport[]> => {
    const reports = await service.pollDevices(ids, job);
    onPolled?.(reports);
    await checks.afterPolls(reports);
    return reports;
  };
  return async (job: Job): Promise<PollReport | PollReport[] | RoundVerdict | null> => {
    if (job.name === OUTAGE_CHECK_JOB) return checks.runRound(job.data as OutageCheckJob);
    if (job.name === PROBE_BATCH_JOB) return polled(probeBatchIds(job.data));
    const probe = job.data as ProbeJob;
    return (await polled([probe.deviceId], probe))[0] ?? null;
  };
}
