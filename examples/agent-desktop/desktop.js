/* global document, window, fetch, location, URL, URLSearchParams */
/**
 * The host side of the Vigil panel's postMessage protocol, as a contact-centre desktop would write it:
 * frame the panel, and when a call arrives get an embed token from the desktop's own backend (which
 * holds the agent API key; the browser never sees it) and send `vigil:open` with the caller's number.
 * Messages are sent to, and accepted only from, Vigil's origin.
 */
const config = await (await fetch('config')).json();
const vigil = new URL(config.vigil);
const frame = document.getElementById('vigil');
const ticket = document.getElementById('ticket');
const state = document.getElementById('call-state');
const hangup = document.getElementById('hangup');
let ready = false;
let pending = null;
/** The call on now: its number, agent, Vigil conversation, and whether its token was renewed already. */
let call = null;

frame.src = new URL('/console/embed/agent', vigil).href;

/** Appends one line to the ticket, newest first: what a CRM would store with the call. */
function log(message) {
  const line = document.createElement('li');
  line.dataset.type = message.type;
  const code = document.createElement('code');
  code.textContent = JSON.stringify(message);
  line.append(`${new Date().toLocaleTimeString()} `, code);
  ticket.prepend(line);
}

window.addEventListener('message', (event) => {
  // Only Vigil's panel speaks this protocol; anything else on the page's message bus is not ours.
  if (event.origin !== vigil.origin || event.source !== frame.contentWindow) return;
  const message = event.data;
  if (typeof message?.type !== 'string' || !message.type.startsWith('vigil:')) return;
  log(message);
  if (message.type === 'vigil:ready') {
    ready = true;
    if (pending) send(pending);
  }
  if (message.type === 'vigil:opened') {
    if (call) call.conversationId = message.conversationId;
    state.textContent = `On a call; Vigil conversation ${message.conversationId}.`;
  }
  if (message.type === 'vigil:error') {
    state.textContent = `Vigil: ${message.detail}`;
    // The token ran out during a long call: a token for this very conversation picks it up again.
    if (message.status === 401 && call?.conversationId && !call.renewed) void renew();
  }
});

async function renew() {
  call.renewed = true;
  try {
    const token = await tokenFor(call.phone, call.agentId, call.conversationId);
    send({ type: 'vigil:open', token, conversationId: call.conversationId });
  } catch (error) {
    state.textContent = `No token: ${error.message}`;
  }
}

function send(message) {
  pending = ready ? null : message;
  if (ready) frame.contentWindow.postMessage(message, vigil.origin);
}

/** A pasted token, else one minted for this call by the desktop's backend (POST token). */
async function tokenFor(phone, agentId, conversationId) {
  const pasted = document.getElementById('token').value.trim();
  if (pasted && !conversationId) return pasted;
  const response = await fetch('token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone, agentId, conversationId }),
  });
  const body = await response.json();
  if (!response.ok) throw new Error(body.detail ?? `HTTP ${response.status}`);
  return body.token;
}

document.getElementById('call').addEventListener('submit', async (event) => {
  event.preventDefault();
  const phone = document.getElementById('phone').value.trim();
  const agentId = document.getElementById('agent').value.trim();
  state.textContent = `Incoming call from ${phone}…`;
  call = { phone, agentId, conversationId: undefined, renewed: false };
  try {
    const token = await tokenFor(phone, agentId);
    send({ type: 'vigil:open', token, phone, agentId, channel: 'voice' });
    hangup.disabled = false;
  } catch (error) {
    state.textContent = `No token: ${error.message}`;
  }
});

hangup.addEventListener('click', () => {
  send({ type: 'vigil:close' });
  call = null;
  hangup.disabled = true;
  state.textContent = 'No call.';
});

// ?phone= fills the number (a softphone's click-to-open link would do the same).
const given = new URLSearchParams(location.search).get('phone');
if (given) document.getElementById('phone').value = given;
