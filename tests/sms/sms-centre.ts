/** An SMS centre for the tests: the `smpp` package's own server on a loopback port, recording what it gets. */
import type { AddressInfo } from 'node:net';
import smpp, { type Pdu, type Session } from 'smpp';

export interface ReceivedPart {
  at: number;
  destination: string;
  dataCoding: number;
  messageId: string;
  /** The concatenation header's reference, total and sequence, when split. */
  concat?: { ref: number; total: number; seq: number };
  text: string;
}

export interface SmsCentre {
  url: string;
  port: number;
  parts: ReceivedPart[];
  binds: { systemId: string; password: string }[];
  /** enquire_link PDUs received (the client's keep-alive), all sessions together. */
  enquireLinks(): number;
  /** Messages by destination, parts reassembled in order. */
  messages(): Map<string, string[]>;
  /** The status the client answered each delivery receipt with, in order (0: recorded). */
  receiptAnswers: number[];
  /** What the next submits are answered (a status), before the normal acceptance resumes. */
  answers: number[];
  /**
   * From now on the submits are received but not answered (an SMS centre slow to answer, so the
   * sender is mid-submit); the function returned answers them all and ends the hold.
   */
  holdAnswers(): () => void;
  /** Drops every connection (a restart of the SMS centre as the client sees it). */
  dropConnections(): void;
  close(): Promise<void>;
}

function partOf(pdu: Pdu, messageId: string): ReceivedPart {
  const body = pdu.short_message as { udh?: Buffer[]; message: string };
  const header = body.udh?.find((u) => u[0] === 0x00);
  return {
    at: Date.now(),
    destination: String(pdu.destination_addr),
    dataCoding: Number(pdu.data_coding),
    messageId,
    ...(header ? { concat: { ref: header[2] ?? 0, total: header[3] ?? 0, seq: header[4] ?? 0 } } : {}),
    text: body.message,
  };
}

function reassemble(parts: readonly ReceivedPart[]): Map<string, string[]> {
  const byDestination = new Map<string, string[]>();
  const pending = new Map<string, ReceivedPart[]>();
  for (const part of parts) {
    const list = byDestination.get(part.destination) ?? [];
    byDestination.set(part.destination, list);
    if (!part.concat) {
      list.push(part.text);
      continue;
    }
    const key = `${part.destination}:${part.concat.ref}`;
    const got = [...(pending.get(key) ?? []), part];
    pending.set(key, got);
    if (got.length === part.concat.total) {
      list.push(
        got
          .sort((a, b) => (a.concat?.seq ?? 0) - (b.concat?.seq ?? 0))
          .map((p) => p.text)
          .join(''),
      );
      pending.delete(key);
    }
  }
  return byDestination;
}

export async function startSmsCentre(
  credentials = { systemId: 'vigil', password: 'pw-123' },
): Promise<SmsCentre> {
  const parts: ReceivedPart[] = [];
  const binds: SmsCentre['binds'] = [];
  const answers: number[] = [];
  let next = 0;
  let held: (() => void)[] | undefined;
  let enquireLinks = 0;
  // Receipts no session acknowledged (it closed first, as a worker restarting does): an SMSC keeps them
  // and delivers them to the next session that binds, as this one does.
  const undelivered: Record<string, unknown>[] = [];
  // The status of each deliver_sm_resp, in order; a temporary error is retried 50 ms later.
  const receiptAnswers: number[] = [];
  const deliverReceipt = (session: Session, receipt: Record<string, unknown>): void => {
    let acknowledged = false;
    const sent = session.deliver_sm(receipt, (resp: Pdu) => {
      acknowledged = true;
      receiptAnswers.push(resp.command_status);
      if (resp.command_status !== 0) setTimeout(() => deliverReceipt(session, receipt), 50);
    });
    if (!sent) return void undelivered.push(receipt);
    session.once('close', () => {
      if (!acknowledged) undelivered.push(receipt);
    });
  };
  const server = smpp.createServer((session: Session) => {
    session.on('bind_transceiver', (pdu: Pdu) => {
      binds.push({ systemId: String(pdu.system_id), password: String(pdu.password) });
      const ok = pdu.system_id === credentials.systemId && pdu.password === credentials.password;
      session.send(pdu.response(ok ? {} : { command_status: smpp.ESME_RBINDFAIL }));
      if (ok) for (const receipt of undelivered.splice(0)) deliverReceipt(session, receipt);
    });
    session.on('enquire_link', (pdu: Pdu) => {
      enquireLinks += 1;
      session.send(pdu.response());
    });
    session.on('unbind', (pdu: Pdu) => session.send(pdu.response()));
    session.on('error', () => undefined);
    session.on('submit_sm', (pdu: Pdu) => {
      const status = answers.shift();
      if (status !== undefined) return session.send(pdu.response({ command_status: status }));
      const messageId = `m${(next += 1)}`;
      parts.push(partOf(pdu, messageId));
      const answer = (): void => {
        session.send(pdu.response({ message_id: messageId }));
        // The handset got it: a final receipt, as an SMSC sends when registered_delivery asks.
        setTimeout(() => {
          deliverReceipt(session, {
            source_addr: pdu.destination_addr,
            destination_addr: pdu.source_addr,
            esm_class: smpp.ESM_CLASS.MC_DELIVERY_RECEIPT,
            short_message: `id:${messageId} sub:001 dlvrd:001 submit date:2612021402 done date:2612021402 stat:DELIVRD err:000 text:`,
          });
        }, 20);
      };
      if (held) held.push(answer);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `smpp://127.0.0.1:${port}`,
    port,
    parts,
    binds,
    answers,
    receiptAnswers,
    messages: () => reassemble(parts),
    enquireLinks: () => enquireLinks,
    holdAnswers: () => {
      const waiting: (() => void)[] = [];
      held = waiting;
      return () => {
        held = undefined;
        for (const answer of waiting) answer();
      };
    },
    dropConnections: () => {
      for (const session of [...server.sessions]) session.destroy();
    },
    close: () =>
      new Promise((resolve) => {
        for (const session of [...server.sessions]) session.destroy();
        server.close(() => resolve());
      }),
  };
}
