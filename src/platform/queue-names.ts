/**
 * Every BullMQ queue Vigil runs, by name. Producers and consumers live in different processes (an API
 * queues an action, a worker runs it), so both sides take the name from here.
 */
export const POLL_QUEUE = 'poll';
export const PROBE_QUEUE = 'probe';
export const ACTIONS_QUEUE = 'actions';
export const ALERTS_QUEUE = 'alerts';

/** In the order /metrics reports them. */
export const QUEUE_NAMES = [POLL_QUEUE, PROBE_QUEUE, ACTIONS_QUEUE, ALERTS_QUEUE] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];
