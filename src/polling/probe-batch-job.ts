/**
 * A probe job of many devices: the fresh probes of the conversations opened within a few milliseconds
 * (see createBatchWindow). The poller polls them as one batch (state saves grouped per poll shard) and
 * answers with every device's poll report.
 */
export const PROBE_BATCH_JOB = 'probe-batch';

/** More than a batch window ever gathers; a larger job is refused rather than polled. */
export const MAX_PROBE_BATCH = 256;

export interface ProbeBatchJob {
  deviceIds: string[];
}

/** The job's device ids, or an error naming what is wrong with its data. */
export function probeBatchIds(data: unknown): string[] {
  const ids = (data as Partial<ProbeBatchJob> | null)?.deviceIds;
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string'))
    throw new Error('probe-batch job without a list of device ids');
  if (ids.length > MAX_PROBE_BATCH)
    throw new Error(`probe-batch job of ${ids.length} devices (at most ${MAX_PROBE_BATCH})`);
  return [...new Set(ids)];
}
