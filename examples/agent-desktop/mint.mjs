/* global fetch, URL */
/**
 * Mints an embed token for one call: what a desktop's backend does with its agent API key, which never
 * leaves the backend. The token it returns is for the panel alone (one subscriber, minutes).
 * @param {{ vigilUrl: string, agentKey: string, phone: string, agentId?: string, conversationId?: string, ttlSeconds?: number }} call
 * @returns {Promise<{ id: string, token: string, subscriberId: string, expiresAt: string }>}
 */
export async function mintEmbedToken({ vigilUrl, agentKey, phone, agentId, conversationId, ttlSeconds }) {
  const response = await fetch(new URL('/v1/embed-tokens', vigilUrl), {
    method: 'POST',
    headers: { authorization: `Bearer ${agentKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      phone,
      ...(agentId ? { agentId } : {}),
      ...(conversationId ? { conversationId } : {}),
      ...(ttlSeconds ? { ttlSeconds } : {}),
    }),
  });
  const body = await response.json();
  if (!response.ok) {
    const error = new Error(body.detail ?? `Vigil answered ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return body;
}
