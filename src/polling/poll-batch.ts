import type { Device } from '../inventory/index.js';
import type { PollResult } from '../probes/poll-result.js';
import type { Probe } from '../probes/probe-types.js';
import { pollOneDevice, type DevicePolled, type PollOneInput, type PollReport } from './poll-one-device.js';
import type { PollServiceDeps } from './poll-service-deps.js';
import { packLive, type LiveEntry } from './poller-state-store.js';
import { publishPollReports } from './publish-poll-reports.js';
import { countInto } from '../platform/fleet-counters.js';

export type BatchDeps = PollServiceDeps & { probeFor(device: Device): Probe };

/**
 * Devices whose inventory record and state are read in one round trip as the batch goes. Each round
 * trip wakes Redis through a loopback socket write, the dearest single step of a poll on a busy core
 * (~100 µs): 256 a round, not 64, took 5–12% off the poll path's CPU (`vigil bench poll`).
 */
export const LOAD_CHUNK = 256;
export const WRITE_CHUNK = 256;

/**
 * Polls a batch as a stream: devices are loaded a chunk at a time just before their polls, and written
 * a chunk at a time as they are judged, each state packed at once and each report kept without its
 * sample. A batch of 500 used to hold every device's loaded state, sample, report and new state until
 * its last poll ended; with four batches in flight that was ~2,000 devices' objects outliving
 * young-generation collections, each copied by every scavenge until promoted (a quarter of the poll
 * path's CPU). Now a device's objects live about as long as its poll.
 */
export async function pollBatch(
  deps: BatchDeps,
  ids: readonly string[],
  extra: Pick<PollOneInput, 'trapNamed'> = {},
): Promise<PollReport[]> {
  const { reports, conflicted } = await pollOnce(deps, ids, extra);
  if (conflicted.length === 0) return reports;
  // Another writer (a trap's announcement, another poll of the device) changed these devices' states
  // while they were polled: nothing of theirs was written or published. They are polled again from the
  // state now stored, once; a second conflict leaves them to the writer that won (and their next poll).
  const again = await pollOnce(deps, conflicted, extra);
  await countConflicts(deps, conflicted.length - again.conflicted.length, again.conflicted.length);
  const latest = new Map(again.reports.map((r) => [r.deviceId, r]));
  return reports.map((r) => latest.get(r.deviceId) ?? r);
}

async function countConflicts(deps: BatchDeps, judgedAgain: number, dropped: number): Promise<void> {
  const pipeline = deps.redis.pipeline();
  if (judgedAgain > 0)
    countInto(pipeline, deps.keys, 'vigil_poll_write_conflicts_total', { done: 'judged_again' }, judgedAgain);
  if (dropped > 0)
    countInto(pipeline, deps.keys, 'vigil_poll_write_conflicts_total', { done: 'dropped' }, dropped);
  await pipeline.exec();
}

async function pollOnce(
  deps: BatchDeps,
  ids: readonly string[],
  extra: Pick<PollOneInput, 'trapNamed'>,
): Promise<Stored> {
  const feed = new InputFeed(deps, ids, extra);
  const writer = new ChunkWriter(deps);
  const pollDeps = { poller: deps.poller, authProfiles: deps.authProfiles, clock: deps.clock ?? Date.now };
  const { inFlight } = deps;
  // One async loop per worker, not an async call per device: a poll's slot, input and result are
  // taken without a promise each where they are at hand (the garbage of per-device promise layers was
  // a tenth of the poll path's allocations). The next input is taken once a slot is had, so no input
  // waits loaded for a slot.
  const worker = async (): Promise<void> => {
    for (;;) {
      const slot = inFlight?.acquire();
      if (slot) await slot;
      try {
        const input = feed.take() ?? (await feed.next());
        if (!input) return;
        try {
          writer.add(await pollOneDevice(pollDeps, input));
        } catch (error) {
          // A bug in decoding or detection for one device must not stop the batch.
          deps.log.error({ err: error, deviceId: input.device.id }, 'poll failed unexpectedly');
        }
      } finally {
        inFlight?.release();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(deps.concurrency ?? 256, ids.length) }, worker));
  return writer.close();
}

/** A batch's inputs, loaded a chunk ahead of the polls that need them. */
class InputFeed {
  /** Read from `head`, each taken slot cleared: `shift` copied the array at every poll. */
  private ready: (PollOneInput | undefined)[] = [];
  private head = 0;
  private nextId = 0;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly deps: BatchDeps,
    private readonly ids: readonly string[],
    private readonly extra: Pick<PollOneInput, 'trapNamed'>,
  ) {}

  /** The next input if one is loaded (asking for the next chunk when half of this one is taken). */
  take(): PollOneInput | undefined {
    // Half a chunk left: the next one is asked for while these are polled.
    if (this.ready.length - this.head <= LOAD_CHUNK / 2) this.loadMore();
    if (this.head >= this.ready.length) return undefined;
    const input = this.ready[this.head] as PollOneInput;
    this.ready[this.head++] = undefined;
    return input;
  }

  /** The next input, waiting for its chunk's load; undefined when the batch has none left. */
  async next(): Promise<PollOneInput | undefined> {
    for (;;) {
      const input = this.take();
      if (input) return input;
      if (!this.loading) return undefined;
      await this.loading;
    }
  }

  private loadMore(): void {
    if (this.loading || this.nextId >= this.ids.length) return;
    const chunk = this.ids.slice(this.nextId, (this.nextId += LOAD_CHUNK));
    const { extra } = this;
    this.loading = loadPollInputs(this.deps, chunk).then((inputs) => {
      if (this.head >= this.ready.length) {
        this.ready = [];
        this.head = 0;
      }
      for (const input of inputs) this.ready.push(extra.trapNamed ? { ...input, ...extra } : input);
      this.loading = undefined;
    });
    // A failed load stays `loading`: every poll that waits on it fails the batch, as a failed read did.
    this.loading.catch(() => undefined);
  }
}

/** What a judged device keeps until its chunk is written: packed state, status change, sampleless report. */
interface Judged {
  entry: LiveEntry;
  report: PollReport;
}

/** Writes judged devices a chunk at a time; `close` writes the rest and answers every report. */
class ChunkWriter {
  private pending: Judged[] = [];
  private readonly writes: Promise<void>[] = [];
  private readonly reports: PollReport[] = [];
  private readonly conflicted: string[] = [];

  constructor(private readonly deps: BatchDeps) {}

  add({ report, state, facts }: DevicePolled): void {
    // The sample was judged and what the next poll needs of it is in the state: no caller reads it.
    // Named fields, not rest destructuring, which copies through V8's slow path at every poll.
    const { deviceId, outcome, reason, meta } = report.result;
    const result: PollResult = { deviceId, outcome, meta };
    if (reason !== undefined) result.reason = reason;
    this.pending.push({
      entry: { state: packLive(state), change: facts },
      report: { deviceId: report.deviceId, result, changes: report.changes, findings: report.findings },
    });
    if (this.pending.length >= WRITE_CHUNK) this.flush();
  }

  async close(): Promise<Stored> {
    this.flush();
    await Promise.all(this.writes);
    return { reports: this.reports, conflicted: this.conflicted };
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const chunk = this.pending;
    this.pending = [];
    const write = storeAndPublish(
      this.deps,
      chunk.map((j) => j.entry),
      chunk.map((j) => j.report),
    ).then(({ reports, conflicted }) => {
      this.reports.push(...reports);
      this.conflicted.push(...conflicted);
    });
    // Seen by `close`, which fails the batch as a failed write did; not an unhandled rejection meanwhile.
    write.catch(() => undefined);
    this.writes.push(write);
  }
}

/** What a write of judged devices did: every report, and the devices another writer got to first. */
export interface Stored {
  reports: PollReport[];
  /** Their state changed since it was read: nothing of theirs was written or published. */
  conflicted: string[];
}

/**
 * The devices' new states saved and their finding changes published (`entries[i]` is `reports[i]`'s
 * device), except for devices no longer in the inventory and those whose state another writer changed
 * since it was read (`conflicted`).
 */
export async function storeAndPublish(
  deps: BatchDeps,
  entries: readonly LiveEntry[],
  reports: readonly PollReport[],
  counted: { polls: boolean } = { polls: true },
): Promise<Stored> {
  // State and index entries in one script, and only for devices still in the inventory (an import
  // that removed a device while it was being polled is not undone by this write) whose state is still
  // the one their judgement started from.
  const { skipped, conflicted } = await deps.states.saveLive(entries);
  const gone = new Set(skipped);
  for (const id of conflicted) gone.add(id);
  // A status moved: the NOC overview's streams re-read now (src/metrics/overview-feed.ts).
  const moved = entries.filter(
    ({ change }) => !gone.has(change.id) && change.before.status !== change.after.status,
  ).length;
  if (moved > 0) await deps.redis.publish(deps.keys.deviceStatusChanged(), String(moved));
  const kept = gone.size === 0 ? reports : reports.filter((r) => !gone.has(r.deviceId));
  await publishPollReports(deps.redis, deps.keys, kept, counted);
  return { reports: reports as PollReport[], conflicted };
}

/** The devices still in the inventory, each with its stored state and any reboot Vigil expects of it. */
export async function loadPollInputs(deps: BatchDeps, ids: readonly string[]): Promise<PollOneInput[]> {
  const [devices, previous, expected] = await Promise.all([
    deps.inventory.getDevices([...ids]),
    deps.states.load(ids),
    ids.length > 0 ? deps.redis.hmget(deps.keys.expectedReboots(), ...ids) : Promise.resolve([]),
  ]);
  const inputs: PollOneInput[] = [];
  devices.forEach((device, i) => {
    if (!device) return;
    const until = expected[i];
    inputs.push({
      device,
      probe: deps.probeFor(device),
      previous: previous.get(device.id),
      expectedRebootUntil: until ? Number(until) : undefined,
    });
  });
  return inputs;
}
