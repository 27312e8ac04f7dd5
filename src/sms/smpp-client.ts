import { setTimeout as sleep } from 'node:timers/promises';
import smpp, { type Pdu, type Session } from 'smpp';
import type { Logger } from '../platform/logger.js';
import type { DataCoding } from './split-sms.js';
import type { SmsConfig } from './sms-config.js';

export interface SmppMessage {
  /** "+digits". */
  destination: string;
  dataCoding: DataCoding;
  /** One submit_sm each, in order (split-sms.ts adds the concatenation header). */
  parts: readonly Buffer[];
}

/**
 * accepted: every part has the SMSC's message id; retry: nothing was accepted and it may be sent again
 * (not bound, throttled, queue full); refused: the SMSC refused the first part for good; unknown: a
 * part may have reached the SMSC without an answer (timeout, connection lost), so it is never resent.
 */
export type SubmitOutcome =
  | { result: 'accepted'; messageIds: string[] }
  | { result: 'retry' | 'refused'; reason: string }
  | { result: 'unknown'; reason: string; messageIds: string[] };

export interface DeliveryReceipt {
  messageId: string;
  /** The SMSC's final state word: DELIVRD, UNDELIV, EXPIRED, REJECTD… */
  state: string;
}

/** SMPP 3.4 command statuses after which the same message may be tried again later. */
const TRANSIENT_STATUS = new Set([smpp.ESME_RTHROTTLED, smpp.ESME_RMSGQFUL]);

/** A receipt's text (SMPP 3.4 Appendix B): "id:IIII sub:SSS dlvrd:DDD … stat:DDDDDDD err:E text:…". */
export function parseReceipt(pdu: Pdu): DeliveryReceipt | undefined {
  if ((Number(pdu.esm_class) & 0x3c) !== smpp.ESM_CLASS.MC_DELIVERY_RECEIPT) return undefined;
  const message = pdu.short_message as { message?: unknown } | Buffer | undefined;
  const body = Buffer.isBuffer(message) ? message : message?.message;
  const text = Buffer.isBuffer(body) ? body.toString('latin1') : typeof body === 'string' ? body : '';
  const id =
    typeof pdu.receipted_message_id === 'string' ? pdu.receipted_message_id : /id:(\S+)/.exec(text)?.[1];
  const state = /stat:(\w+)/.exec(text)?.[1];
  return id && state ? { messageId: id, state } : undefined;
}

/** TON/NPI of a sender: an alphanumeric name (5/0) or an international number (1/1). */
function sourceAddress(source: string): Record<string, unknown> {
  return /^\+?\d+$/.test(source)
    ? { source_addr: source.replace(/^\+/, ''), source_addr_ton: 1, source_addr_npi: 1 }
    : { source_addr: source, source_addr_ton: 5, source_addr_npi: 0 };
}

type ClientOptions = Pick<
  SmsConfig,
  'url' | 'systemId' | 'password' | 'sourceAddr' | 'enquireLinkMs' | 'submitTimeoutMs' | 'reconnectMaxMs'
> & { log: Logger; onReceipt: (receipt: DeliveryReceipt) => Promise<void> };

/**
 * The one importer of `smpp`: a transceiver bind to the SMS centre (submits out, receipts in on one
 * connection), kept alive by enquire_link and rebuilt with a doubling backoff (500 ms up to
 * reconnectMaxMs) whenever it drops or the bind is refused. The system id and password go only into the
 * bind PDU, never into a log line.
 */
export function createSmppClient(options: ClientOptions): SmppClient {
  return new SmppClient(options);
}

type PartAnswer = Pdu | 'timeout' | 'unsent';

export class SmppClient {
  private session: Session | undefined;
  private bound = false;
  private running = false;
  private loop: Promise<void> | undefined;
  /** Submits waiting for their response: settled at once when the connection drops. */
  private readonly inFlight = new Set<() => void>();
  private readonly log: Logger;

  constructor(private readonly options: ClientOptions) {
    this.log = options.log.child({ module: 'smpp' });
  }

  start(): void {
    this.running = true;
    this.loop = this.keepBound();
  }

  isBound(): boolean {
    return this.bound;
  }

  /** Unbinds politely (a second at most) and stops reconnecting. */
  async close(): Promise<void> {
    this.running = false;
    const s = this.session;
    if (s && this.bound) await Promise.race([new Promise((resolve) => s.unbind({}, resolve)), sleep(1_000)]);
    s?.destroy();
    await this.loop;
  }

  async submit(message: SmppMessage): Promise<SubmitOutcome> {
    const s = this.session;
    if (!s || !this.bound) return { result: 'retry', reason: 'not bound to the SMS centre' };
    const messageIds: string[] = [];
    for (const part of message.parts) {
      const answer = await this.submitPart(s, this.fields(message, part));
      const first = messageIds.length === 0;
      if (answer === 'unsent' && first) return { result: 'retry', reason: 'connection not writable' };
      if (answer === 'unsent' || answer === 'timeout')
        return { result: 'unknown', reason: `no answer to part ${messageIds.length + 1}`, messageIds };
      if (answer.command_status !== 0) {
        const reason = `submit_sm status 0x${answer.command_status.toString(16)}`;
        if (!first) return { result: 'unknown', reason, messageIds };
        return TRANSIENT_STATUS.has(answer.command_status)
          ? { result: 'retry', reason }
          : { result: 'refused', reason };
      }
      messageIds.push(String(answer.message_id));
    }
    return { result: 'accepted', messageIds };
  }

  private fields(message: SmppMessage, part: Buffer): Record<string, unknown> {
    return {
      ...sourceAddress(this.options.sourceAddr),
      destination_addr: message.destination.replace(/^\+/, ''),
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      esm_class: message.parts.length > 1 ? smpp.ESM_CLASS.UDH_INDICATOR : 0,
      registered_delivery: smpp.REGISTERED_DELIVERY.FINAL,
      data_coding: message.dataCoding,
      short_message: part,
    };
  }

  private submitPart(s: Session, fields: Record<string, unknown>): Promise<PartAnswer> {
    return new Promise((resolve) => {
      const done = (value: PartAnswer): void => {
        clearTimeout(timer);
        this.inFlight.delete(onDrop);
        resolve(value);
      };
      const onDrop = (): void => done('timeout');
      const timer = setTimeout(onDrop, this.options.submitTimeoutMs);
      this.inFlight.add(onDrop);
      if (!s.submit_sm(fields, (pdu) => done(pdu))) done('unsent');
    });
  }

  private async keepBound(): Promise<void> {
    let delayMs = 500;
    while (this.running) {
      const wasBound = await this.runSession();
      if (!this.running) return;
      delayMs = wasBound ? 500 : Math.min(this.options.reconnectMaxMs, delayMs * 2);
      this.log.warn({ retryInMs: delayMs }, 'SMS centre connection closed; reconnecting');
      await sleep(delayMs);
    }
  }

  /** Connects and binds; resolves when the session closes, saying whether it was ever bound. */
  private runSession(): Promise<boolean> {
    return new Promise((resolve) => {
      let wasBound = false;
      const { url, enquireLinkMs } = this.options;
      const s = smpp.connect({ url, auto_enquire_link_period: enquireLinkMs }, () =>
        this.bind(s, () => (wasBound = true)),
      );
      this.session = s;
      s.on('deliver_sm', (pdu: Pdu) => this.onDeliver(s, pdu));
      s.on('enquire_link', (pdu: Pdu) => s.send(pdu.response()));
      s.on('unbind', (pdu: Pdu) => {
        s.send(pdu.response());
        s.close();
      });
      s.on('error', (error: Error) =>
        this.log.warn({ err: { message: error.message } }, 'SMPP connection error'),
      );
      s.on('close', () => {
        this.bound = false;
        this.session = undefined;
        for (const drop of [...this.inFlight]) drop();
        resolve(wasBound);
      });
    });
  }

  private bind(s: Session, onBound: () => void): void {
    const { systemId, password, url } = this.options;
    s.bind_transceiver(
      { system_id: systemId.reveal(), password: password.reveal(), interface_version: 0x34 },
      (pdu) => {
        if (pdu.command_status !== 0) {
          this.log.warn({ status: pdu.command_status }, 'SMS centre refused the bind');
          s.destroy();
          return;
        }
        this.bound = true;
        onBound();
        this.log.info({ url }, 'bound to the SMS centre as transceiver');
      },
    );
  }

  /**
   * A receipt is acknowledged once it is recorded, not before: an SMS centre keeps a receipt no
   * session acknowledged and delivers it again (to the next bind, after a restart), so a worker that
   * stops between the two loses nothing. One not recorded (Redis away) is answered with a temporary
   * error, which the centre retries.
   */
  private onDeliver(s: Session, pdu: Pdu): void {
    const receipt = parseReceipt(pdu);
    if (!receipt) return void s.send(pdu.response());
    this.options.onReceipt(receipt).then(
      () => s.send(pdu.response()),
      (error: unknown) => {
        this.log.warn({ err: error }, 'receipt not recorded: the SMS centre is asked to deliver it again');
        s.send(pdu.response({ command_status: smpp.ESME_RX_T_APPN }));
      },
    );
  }
}
