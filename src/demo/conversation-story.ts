import { connectSse, type ReceivedEvent } from '../events/sse-client.js';
import type { StoryContext } from './story-context.js';

interface Opened {
  conversation: { id: string; language: string };
  diagnosis: { suggestions: { id: string; kind: string; state: string; text: string }[] };
}

/** The moment the product exists for: the agent opens the conversation, the advice is there, one click. */
export async function conversationStory(
  ctx: StoryContext,
  subscriberId: string,
  deviceId: string,
): Promise<void> {
  ctx.say(`6. The agent opens a conversation (POST /v1/conversations, chat) and follows its events`);
  // The advisor proposes once the findings are in: the console would simply show it when it comes.
  let opened: Opened | undefined;
  for (const started = Date.now(); Date.now() - started < 30_000; await sleep(500)) {
    opened = await ctx.agent.request<Opened>('POST', '/v1/conversations', {
      subscriberId,
      channel: 'chat',
      agentId: 'agent-007',
      language: 'en',
    });
    if (opened.diagnosis.suggestions.some((s) => s.kind === 'remote_reboot' && s.state === 'proposed')) break;
    await ctx.agent.request('DELETE', `/v1/conversations/${opened.conversation.id}`);
  }
  const reboot = opened?.diagnosis.suggestions.find((s) => s.kind === 'remote_reboot');
  if (!opened || !reboot) {
    ctx.say('   (the advisor proposed no reboot in time)');
    return;
  }
  const stream = await connectSse(`${ctx.agent.url}/v1/conversations/${opened.conversation.id}/events`, {
    authorization: `Bearer ${ctx.agent.token}`,
  });
  try {
    const snapshot = await stream.waitFor((e) => e.type === 'diagnosis', 5_000);
    ctx.say(
      `   snapshot in the stream: ${(snapshot.data.suggestions as unknown[]).length} suggestion(s); on screen:`,
    );
    ctx.say(`   ${reboot.kind} — ${reboot.text}`);
    ctx.say(`7. The agent clicks Accept: Vigil reboots the router once, then checks it came back fixed`);
    const accepted = Date.now();
    await ctx.agent.request(
      'POST',
      `/v1/conversations/${opened.conversation.id}/suggestions/${encodeURIComponent(reboot.id)}/accept`,
    );
    const started = await stream.waitFor((e) => e.type === 'action.started', 30_000);
    ctx.say(
      `   +${seconds(started, accepted)} action.started: remote_reboot of ${deviceId} (SNMP SET, sent once)`,
    );
    const finished = await stream.waitFor((e) => e.type === 'action.finished', 120_000);
    const outcome = finished.data.outcome as { result: string; reason: string };
    ctx.say(`   +${seconds(finished, accepted)} action.finished: ${outcome.result} — ${outcome.reason}`);
    const withdrawn = await stream
      .waitFor((e) => e.type === 'suggestion.withdrawn' && e.data.id === reboot.id, 10_000)
      .catch(() => undefined);
    if (withdrawn)
      ctx.say(
        `   +${seconds(withdrawn, accepted)} suggestion.withdrawn: the reboot leaves the agent's list (${String(withdrawn.data.state)})`,
      );
  } finally {
    stream.close();
    await ctx.agent.request('DELETE', `/v1/conversations/${opened.conversation.id}`).catch(() => undefined);
  }
}

const seconds = (event: ReceivedEvent, since: number): string =>
  `${((event.receivedAt - since) / 1000).toFixed(1)} s`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
