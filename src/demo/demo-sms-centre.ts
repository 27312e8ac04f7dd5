import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import smpp, { type Pdu, type Session } from 'smpp';

/** The demo's SMS centre: what `vigil serve` is told to bind to (VIGIL_SMPP_*), and how much it got. */
export interface DemoSmsCentre {
  url: string;
  systemId: string;
  password: string;
  /** submit_sm accepted so far (message parts: a long SMS is several). */
  received(): number;
  close(): Promise<void>;
}

/** A receipt as SMS centres word it (SMPP 3.4 Appendix B), for a handset that got the message. */
function receipt(messageId: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-T:]/g, '').slice(2, 12);
  return `id:${messageId} sub:001 dlvrd:001 submit date:${stamp} done date:${stamp} stat:DELIVRD err:000 text:`;
}

/**
 * An SMS centre for the demo, in the demo's own process: the npm `smpp` package's server (the one the
 * tests run as the SMSC) on a free loopback port. It takes a transceiver bind with the credentials made
 * for this run only, answers every submit_sm with a message id, and reports each part delivered a
 * moment later (a final receipt, as `registered_delivery` asks), so the outage's SMS count and its
 * receipts come back through Vigil's API as they would from an operator's SMSC.
 */
export async function startDemoSmsCentre(): Promise<DemoSmsCentre> {
  // SMPP 3.4 caps system_id at 15 characters and the password at 8 (C-Octet Strings of 16 and 9).
  const systemId = 'vigil-demo';
  const password = randomBytes(6).toString('base64url');
  const run = randomBytes(3).toString('hex');
  let submitted = 0;
  const server = smpp.createServer((session: Session) => {
    session.on('error', () => undefined);
    session.on('bind_transceiver', (pdu: Pdu) => {
      const ok = pdu.system_id === systemId && pdu.password === password;
      session.send(pdu.response(ok ? {} : { command_status: smpp.ESME_RBINDFAIL }));
    });
    session.on('enquire_link', (pdu: Pdu) => session.send(pdu.response()));
    session.on('unbind', (pdu: Pdu) => session.send(pdu.response()));
    session.on('submit_sm', (pdu: Pdu) => {
      submitted += 1;
      const messageId = `${run}-${submitted.toString(16)}`;
      session.send(pdu.response({ message_id: messageId }));
      setTimeout(() => {
        session.deliver_sm({
          source_addr: pdu.destination_addr,
          destination_addr: pdu.source_addr,
          esm_class: smpp.ESM_CLASS.MC_DELIVERY_RECEIPT,
          short_message: receipt(messageId, new Date()),
        });
      }, 50);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `smpp://127.0.0.1:${port}`,
    systemId,
    password,
    received: () => submitted,
    close: () =>
      new Promise((resolve) => {
        for (const session of [...server.sessions]) session.destroy();
        server.close(() => resolve());
      }),
  };
}
