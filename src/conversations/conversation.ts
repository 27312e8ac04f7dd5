import type { Language } from '../playbooks/index.js';

/** An agent's live contact with a subscriber, in one channel; the same subscriber in two channels is two. */
export interface Conversation {
  id: string;
  subscriberId: string;
  /** voice, chat, messenger, sms, email, app, … — as the console names its channels. */
  channel: string;
  agentId: string;
  language: Language;
  state: 'open' | 'closed';
  openedAt: number;
  lastActivityAt: number;
  closedAt?: number;
  /** `agent` (DELETE) or `idle` (expired). */
  closedBy?: 'agent' | 'idle';
}

export const CHANNEL_PATTERN = '^[a-z][a-z0-9_-]{0,31}$';
