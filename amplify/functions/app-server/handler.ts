/**
 * app-server: the REST API behind API Gateway (Lambda proxy integration). The routes are in
 * `routes/` (catalog, orders, payment retry, cancel, refund, staff note), every error answer in `errors.ts`; routes and limits come from `amplify/domain/api.ts`.
 * Guests' orders carry a token derived with a secret read once per instance (Secrets Manager).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Router } from '@aws-lambda-powertools/event-handler/http';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { cors } from '@aws-lambda-powertools/event-handler/http/middleware';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { CORS } from '../../domain/api.ts';
import { DynamoDbOrderKeys } from '../../server/aws/dynamodb-order-keys.ts';
import { createDocumentClient } from '../../server/aws/dynamodb-order-items.ts';
import { DynamoDbOrderRepository } from '../../server/aws/dynamodb-order-repository.ts';
import { statsStoreFromEnv } from '../../server/aws/dynamodb-stats-store.ts';
import { countingOrders } from '../../server/counting-orders.ts';
import { publishingOrders } from '../../server/publishing-orders.ts';
import { eventsPublisherFromEnv } from '../../server/aws/appsync-events-publisher.ts';
import { createQueueClient, SqsOrderQueue } from '../../server/aws/sqs-order-queue.ts';
import { CognitoAccounts } from '../../server/aws/cognito-accounts.ts';
import { DynamoDbOrderRateLimiter } from '../../server/aws/dynamodb-order-rate.ts';
import { DynamoDbStockLedger } from '../../server/aws/dynamodb-stock-ledger.ts';
import { DynamoDbClosedAccounts } from '../../server/aws/dynamodb-closed-accounts.ts';
import { secretString } from '../../server/aws/secrets-manager-secret.ts';
import { OrderTokens } from '../../server/order-token.ts';
import { FUNCTIONS } from '../../server/settings/functions.ts';
import { ORDER_RATE, STAFF_CHECK } from '../../server/settings/api.ts';
import { ENV, METRICS, requireEnv } from '../../server/environment.ts';
import { staffConfirmation } from '../../server/staff.ts';
import { createObservability, withObservability } from '../shared/powertools.ts';
import { mapErrors } from './errors.ts';
import { cancelOrderRoutes } from './routes/cancel-order.ts';
import { catalogRoutes } from './routes/catalog.ts';
import { meRoutes } from './routes/me.ts';
import { orderNoteRoutes } from './routes/order-note.ts';
import { orderPaymentRoutes } from './routes/order-payment.ts';
import { orderRoutes } from './routes/orders.ts';
import { refundOrderRoutes } from './routes/refund-order.ts';
import { statsRoutes } from './routes/stats.ts';

const observability = createObservability(FUNCTIONS.appServer.name);
const { logger, metrics, tracer } = observability;
const db = createDocumentClient(tracer.captureAWSv3Client(new DynamoDBClient({})));
const stats = statsStoreFromEnv(db);
// Every order placed and every status change a route makes is counted on its day, once (issue 27).
const counted = countingOrders(new DynamoDbOrderRepository(db, requireEnv(ENV.ordersTable)), stats, logger, metrics);
// Every change a route stores is published on the order's live channels (issue 26), when configured.
const live = eventsPublisherFromEnv();
const orders = live ? publishingOrders(counted, live, logger, () => metrics.addMetric(METRICS.liveUpdates.publishFailed, MetricUnit.Count, 1)) : counted;
const keys = new DynamoDbOrderKeys(db, requireEnv(ENV.idempotencyTable));
const stock = new DynamoDbStockLedger(db, requireEnv(ENV.stockTable));
const queue = new SqsOrderQueue(tracer.captureAWSv3Client(createQueueClient()), requireEnv(ENV.queueUrl));
const accounts = new CognitoAccounts(() => requireEnv(ENV.userPoolId));
const confirmStaff = staffConfirmation(accounts, { mfaRequired: process.env[ENV.staffMfaRequired] === 'true', cacheSeconds: STAFF_CHECK.cacheSeconds });
const rateLimit = Number(process.env[ENV.orderRateLimit] || ORDER_RATE.defaultLimit);
if (!Number.isInteger(rateLimit) || rateLimit < 0) throw new Error(`${ENV.orderRateLimit} must be a whole number >= 0 (0: no limit)`);
const rateLimiter = new DynamoDbOrderRateLimiter(db, requireEnv(ENV.idempotencyTable), rateLimit);
const closedAccounts = new DynamoDbClosedAccounts(db, requireEnv(ENV.idempotencyTable));
const tokens = new OrderTokens(secretString(tracer.captureAWSv3Client(new SecretsManagerClient({})), requireEnv(ENV.orderTokenSecretArn)));
const storefrontUrl = requireEnv(ENV.storefrontUrl);
/** The storefront's origins when configured (the local stack sets them), else any origin. */
const allowedOrigins = process.env[ENV.allowedOrigins]?.split(',').filter(Boolean);

const app = new Router({ logger });
app.use(
  cors({
    origin: allowedOrigins?.length ? allowedOrigins : '*',
    allowMethods: [...CORS.allowMethods],
    allowHeaders: [...CORS.allowHeaders],
    exposeHeaders: [...CORS.exposeHeaders],
    maxAge: CORS.maxAgeSeconds,
  }),
);
app
  .includeRouter(catalogRoutes({ stock, confirmStaff, logger }))
  .includeRouter(orderRoutes({ orders, keys, queue, stock, confirmStaff, rateLimiter, closedAccounts, tokens, storefrontUrl, trustViewerIp: process.env[ENV.viewerIpTrusted] === 'true', logger, metrics }))
  .includeRouter(cancelOrderRoutes({ orders, queue, confirmStaff, logger, metrics }))
  .includeRouter(orderPaymentRoutes({ orders, queue, confirmStaff, closedAccounts, logger }))
  .includeRouter(refundOrderRoutes({ orders, queue, confirmStaff, logger }))
  .includeRouter(meRoutes({ orders, accounts, closedAccounts, logger }))
  .includeRouter(orderNoteRoutes({ orders, confirmStaff, logger }))
  .includeRouter(statsRoutes({ stats, confirmStaff, logger }));
const { refuseUnroutable } = mapErrors(app, { logger, metrics, allowedOrigins });

export const handler = withObservability(observability, async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> =>
  refuseUnroutable(event) ?? app.resolve(event, context),
);
