/**
 * The outward events of the public contract: what conversation streams carry and alerts are made of.
 * One Redis stream holds them all, in order; each says which subscribers and devices it concerns, so a
 * reader (a conversation's stream, the alert sender) takes only its own without asking anything else.
 */
export const EVENT_TYPES = [
  'diagnosis',
  'suggestion.created',
  'suggestion.updated',
  'suggestion.withdrawn',
  'action.started',
  'action.finished',
  'incident.opened',
  'incident.updated',
  'incident.resolved',
  /** An outage SMS reached the SMS centre for this subscriber (src/sms/): "the subscriber was told at 14:02". */
  'subscriber.notified',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface VigilEvent {
  type: EventType;
  /** ms since epoch. */
  at: number;
  subscriberIds: readonly string[];
  deviceIds: readonly string[];
  /** The incident, suggestion or action as the API shows it. */
  data: unknown;
}

/** An event as read back, with the stream id that orders it (and that a reconnecting client replays from). */
export interface StoredEvent extends VigilEvent {
  id: string;
}
