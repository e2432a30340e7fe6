/**
 * What app-server's role allows, written out once for two tests that must agree: the calls the
 * handler makes on every route (tests/unit/app-server-handler.test.ts records them) and the
 * synthesized role (tests/cloud/backend.test.ts). A new call fails the first until it is listed
 * here; listing it fails the second until amplify/cloud/orders-api.ts grants it. The local stack
 * checks no IAM, so nothing else would notice before a real account did.
 */
export const APP_SERVER_ACTIONS = {
  ordersTable: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
  ordersIndexes: ['dynamodb:Query'],
  idempotencyTable: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
  /** Stock levels (BatchGetItem), the staff's change (UpdateItem) and its history entry (PutItem, Query). */
  stockTable: ['dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
  /** The per-day counters: an ADD per order placed or status changed, a Query per `GET /stats`. */
  statsTable: ['dynamodb:Query', 'dynamodb:UpdateItem'],
  queue: ['sqs:SendMessage'],
  userPool: ['cognito-idp:AdminGetUser', 'cognito-idp:AdminListGroupsForUser', 'cognito-idp:AdminDeleteUser'],
  /** Guest orders' token secret (amplify/cloud/guest-orders.ts). */
  tokenSecret: ['secretsmanager:GetSecretValue'],
} as const;

/** `GetCommand` (lib-dynamodb) or `GetItemCommand` -> `dynamodb:GetItem`; `SendMessageCommand` -> `sqs:SendMessage`. */
export function iamAction(service: 'dynamodb' | 'sqs', commandName: string): string {
  const operation = commandName.replace(/Command$/, '');
  const itemOperations: Record<string, string> = { Get: 'GetItem', Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', BatchGet: 'BatchGetItem', BatchWrite: 'BatchWriteItem' };
  return `${service}:${service === 'dynamodb' ? (itemOperations[operation] ?? operation) : operation}`;
}
