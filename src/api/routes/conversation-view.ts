import type { Conversation } from '../../conversations/conversation.js';

/** A conversation as the API answers it: its times as ISO 8601. */
export function conversationView(conversation: Conversation): Record<string, unknown> {
  return {
    ...conversation,
    openedAt: new Date(conversation.openedAt).toISOString(),
    lastActivityAt: new Date(conversation.lastActivityAt).toISOString(),
    ...(conversation.closedAt !== undefined
      ? { closedAt: new Date(conversation.closedAt).toISOString() }
      : {}),
  };
}
