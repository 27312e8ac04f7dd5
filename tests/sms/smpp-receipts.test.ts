import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import smpp from 'smpp';
import { createLogger } from '../../src/platform/logger.js';
import { createSmppClient, type DeliveryReceipt, type SmppClient } from '../../src/sms/smpp-client.js';
import { until } from '../helpers/wait.js';
import { startSmsCentre, type SmsCentre } from './sms-centre.js';
import { SMPP_CREDENTIALS, smsConfig } from './sms-stack.js';

/**
 * A delivery receipt is acknowledged only once it is recorded: a receipt the worker could not record
 * (Redis away) is answered with a temporary error, and the SMS centre delivers it again.
 */
describe('delivery receipts from the SMS centre', () => {
  let centre: SmsCentre;
  let client: SmppClient;
  const recorded: DeliveryReceipt[] = [];
  let failuresLeft = 1;

  beforeAll(async () => {
    centre = await startSmsCentre(SMPP_CREDENTIALS);
    client = createSmppClient({
      ...smsConfig(centre.url),
      log: createLogger({ level: 'silent' }),
      onReceipt: (receipt) => {
        if (failuresLeft > 0) {
          failuresLeft -= 1;
          return Promise.reject(new Error('Redis is away'));
        }
        recorded.push(receipt);
        return Promise.resolve();
      },
    });
    client.start();
    await until(() => client.isBound(), { what: 'the bind' });
  });
  afterAll(async () => {
    await client?.close();
    await centre?.close();
  });

  it('answers a receipt it could not record with a temporary error, and records it when delivered again', async () => {
    const outcome = await client.submit({
      destination: '+79010000001',
      dataCoding: 0,
      parts: [Buffer.from('Outage at your address')],
    });
    expect(outcome.result).toBe('accepted');
    await until(() => recorded.length === 1, { what: 'the receipt recorded' });
    // Its acknowledgement goes out once it is recorded, and reaches the centre a moment later.
    await until(() => centre.receiptAnswers.length === 2, { what: 'both answers at the centre' });
    expect(centre.receiptAnswers).toEqual([smpp.ESME_RX_T_APPN, 0]);
    expect(recorded).toEqual([
      { messageId: outcome.result === 'accepted' ? outcome.messageIds[0] : '', state: 'DELIVRD' },
    ]);
  });
});
