import type { Redis } from 'ioredis';
import type { DiagnosisService, SubscriberDiagnosis } from '../diagnosis/diagnosis-service.js';
import { publishEvents } from '../events/event-log.js';
import type { Logger } from '../platform/logger.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import type { PollReport } from '../polling/poll-service.js';
import type { Conversation } from './conversation.js';

/** On-demand polls through the pollers' probe queue; null when no poller ran one in time. */
export interface DeviceProber {
  probe(deviceId: string): Promise<PollReport | null>;
}

export interface FreshProbeDeps {
  redis: Redis;
  keys: RedisKeys;
  diagnosis: DiagnosisService;
  prober: DeviceProber;
  logger: Logger;
  /** One fresh probe per subscriber this long, whatever the number of opens (0: one per open). */
  reuseMs: number;
}

/**
 * Fresh polls of the subscriber's equipment, pushed as a `diagnosis` event when they are in. One per
 * subscriber per reuse window, whatever the number of opens: the event goes to every stream of the
 * subscriber, so the conversations opened meanwhile get it too (its `conversationId` names the one
 * whose open started it). Runs in the background: the open answers from stored state at once.
 */
export function createFreshProbe(deps: FreshProbeDeps) {
  const { redis, keys } = deps;

  async function probeAndPublish(conversation: Conversation, snapshot: SubscriberDiagnosis): Promise<void> {
    const deviceIds = snapshot.subscriber.deviceIds;
    if (deps.reuseMs > 0) {
      const key = keys.conversationProbe(conversation.subscriberId);
      if ((await redis.set(key, conversation.id, 'PX', deps.reuseMs, 'NX')) === null) return;
    }
    const reports = await Promise.all(deviceIds.map((id) => deps.prober.probe(id)));
    const fresh = await deps.diagnosis.subscriber(
      conversation.subscriberId,
      conversation.language,
      Date.now(),
      // The subscriber the snapshot was made for, whose devices were probed; their records are read
      // again, in the same round as the inventory version their ancestors are looked up by.
      { explain: false, subscriber: snapshot.subscriber },
    );
    const probes = reports.map((r, i) => ({
      deviceId: deviceIds[i],
      outcome: r?.result.outcome ?? 'no_poller',
    }));
    await publishEvents(redis, keys, [
      {
        type: 'diagnosis',
        at: Date.now(),
        subscriberIds: [conversation.subscriberId],
        deviceIds: [...deviceIds],
        data: { conversationId: conversation.id, probes, ...fresh },
      },
    ]);
  }

  /** Starts the probes of the subscriber whose snapshot an open has just answered with. */
  return (conversation: Conversation, snapshot: SubscriberDiagnosis): void => {
    probeAndPublish(conversation, snapshot).catch((error: unknown) =>
      deps.logger.warn({ err: error, conversation: conversation.id }, 'fresh probe failed'),
    );
  };
}

export type FreshProbe = ReturnType<typeof createFreshProbe>;
