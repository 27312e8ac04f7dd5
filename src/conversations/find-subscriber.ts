import type { InventoryStore, Subscriber } from '../inventory/index.js';
import { AppError } from '../shared/app-error.js';

/** How the console names the subscriber it talks to: exactly one of the three. */
export interface SubscriberLookup {
  subscriberId?: string;
  account?: string;
  phone?: string;
}

/**
 * The subscriber a conversation opens for. A phone shared by several subscribers is a conflict that
 * names each of them, so the console can ask the caller and open by id.
 */
export async function findSubscriber(inventory: InventoryStore, by: SubscriberLookup): Promise<Subscriber> {
  const given = [by.subscriberId, by.account, by.phone].filter((v) => v !== undefined);
  if (given.length !== 1)
    throw new AppError('ERR_CONVERSATION_INVALID', 'give exactly one of subscriberId, account and phone');
  if (by.subscriberId !== undefined) {
    const subscriber = await inventory.getSubscriber(by.subscriberId);
    if (!subscriber) throw new AppError('ERR_SUBSCRIBER_NOT_FOUND', `no subscriber "${by.subscriberId}"`);
    return subscriber;
  }
  if (by.account !== undefined) {
    const subscriber = await inventory.findSubscriberByAccount(by.account);
    if (!subscriber)
      throw new AppError('ERR_SUBSCRIBER_NOT_FOUND', `no subscriber with account "${by.account}"`);
    return subscriber;
  }
  const found = await inventory.findSubscribersByPhone(by.phone as string);
  if (found.length === 0)
    throw new AppError('ERR_SUBSCRIBER_NOT_FOUND', `no subscriber with phone "${by.phone}"`);
  if (found.length > 1)
    throw new AppError(
      'ERR_SUBSCRIBER_CONFLICT',
      `${found.length} subscribers share this phone; open by subscriberId`,
      {
        details: { errors: found.map((s) => ({ path: 'subscriberId', message: s.id })) },
      },
    );
  return found[0] as Subscriber;
}
