/** The conversations domain (src/conversations/): records, open and closed sets, reuse and open budgets. */
export interface ConversationKeys {
  /** Hash conversation id → conversation JSON (open and recently closed). */
  conversationRecords(): string;
  /** Sorted set of open conversations by last activity (the idle sweep reads it). */
  openConversations(): string;
  /** Sorted set of closed conversations by when they closed (for retention). */
  closedConversations(): string;
  /** Set of one subscriber's open conversation ids. */
  subscriberConversations(subscriberId: string): string;
  /**
   * String (expires): the conversation a second open of the same key, subscriber, channel and agent
   * returns within the reuse window; `digest` hashes those four (see conversation-store.ts).
   */
  conversationReuse(digest: string): string;
  /** Counter (expires with its minute) of conversations opened per API key id, or per subscriber. */
  conversationOpens(scope: 'key' | 'subscriber', id: string): string;
  /** String (SET NX PX): held while one fresh probe of a subscriber's equipment serves every open. */
  conversationProbe(subscriberId: string): string;
}

/** The builders, over the installation's `k(...)` (its hash tag: every key here is core). */
export const conversationKeys = (k: (...parts: string[]) => string): ConversationKeys => ({
  conversationRecords: () => k('conversations', 'records'),
  openConversations: () => k('conversations', 'open'),
  closedConversations: () => k('conversations', 'closed'),
  subscriberConversations: (subscriberId) => k('conversations', 'subscriber', subscriberId),
  conversationReuse: (digest) => k('conversations', 'reuse', digest),
  conversationOpens: (scope, id) => k('conversations', 'opens', scope, id),
  conversationProbe: (subscriberId) => k('conversations', 'probe', subscriberId),
});
