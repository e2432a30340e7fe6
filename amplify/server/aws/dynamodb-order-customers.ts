/**
 * What a customer's account does to their orders: signing in takes over the guest orders of its
 * e-mail (`claimGuestOrders`), deleting it anonymizes them (`anonymize`). Both conditional on the
 * order's customer, so a repeat changes nothing.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ANONYMIZED } from '../../domain/privacy.ts';
import { ORDERS_TABLE } from '../settings/tables.ts';
import type { DynamoDbOrderLists, IndexKey } from './dynamodb-order-lists.ts';

const { partitionKey, customerIndex } = ORDERS_TABLE;

export class DynamoDbOrderCustomers {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly lists: DynamoDbOrderLists,
  ) {}

  /**
   * Makes the guest orders of `guestCustomerId` (one e-mail's) the customer's: one CustomerIndex
   * query (nothing to read when there are none), then, per order, an update conditional on it
   * still being that guest's, so two claims never both take it. Returns the orders claimed.
   */
  async claimGuestOrders(guestCustomerId: string, customerId: string, at: string): Promise<string[]> {
    const claimed: string[] = [];
    let startKey: IndexKey | undefined;
    do {
      const page = await this.lists.queryIndex(customerIndex, guestCustomerId, {}, 100, startKey);
      for (const { orderId } of page.items) {
        try {
          await this.db.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: { [partitionKey]: orderId },
              UpdateExpression: 'SET #customer = :customer, claimedDate = :at',
              ConditionExpression: '#customer = :guest',
              ExpressionAttributeNames: { '#customer': customerIndex.partitionKey },
              ExpressionAttributeValues: { ':customer': customerId, ':guest': guestCustomerId, ':at': at },
            }),
          );
          claimed.push(orderId);
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        }
      }
      startKey = page.lastKey;
    } while (startKey);
    return claimed;
  }

  /** Replaces the order's personal data (conditional on its customer); repeated, it changes nothing. */
  async anonymize(orderId: string, customerId: string, at: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { [partitionKey]: orderId },
        UpdateExpression:
          'SET customerName = :name, customerEmail = :email, shippingAddress.street = :street, shippingAddress.city = :city, ' +
          'shippingAddress.#state = :state, shippingAddress.zipCode = :zip, anonymizedDate = if_not_exists(anonymizedDate, :at)',
        ConditionExpression: 'attribute_exists(#pk) AND customerId = :customer',
        ExpressionAttributeNames: { '#pk': partitionKey, '#state': 'state' },
        ExpressionAttributeValues: {
          ':name': ANONYMIZED.customerName,
          ':email': ANONYMIZED.customerEmail,
          ':street': ANONYMIZED.street,
          ':city': ANONYMIZED.city,
          ':state': ANONYMIZED.state,
          ':zip': ANONYMIZED.zipCode,
          ':customer': customerId,
          ':at': at,
        },
      }),
    );
  }
}
