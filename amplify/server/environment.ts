/**
 * What the handlers read from their environment and what they publish, defined once: the
 * environment variables (`ENV`), the simulated partners' default rates, the custom metrics'
 * namespace and names and how a deployment qualifies them, and `requireEnv`. Which function reads
 * which variable: its manifest (amplify/functions/manifest.ts), from which the cloud definition
 * (amplify/cloud/functions.ts) and the local stack (local/stack/stack-parts.ts) set them. Plain data:
 * importing it loads no library.
 */

/** Environment variables the handlers read. */
export const ENV = {
  ordersTable: 'ORDERS_TABLE_NAME',
  /** app-server, process-order, recover-orders: the stock table (`STOCK_TABLE`). */
  stockTable: 'STOCK_TABLE_NAME',
  idempotencyTable: 'IDEMPOTENCY_TABLE_NAME',
  /** app-server and process-order: the per-day counters (`STATS_TABLE`). */
  statsTable: 'STATS_TABLE_NAME',
  /** The IANA time zone the shop's days are counted in (`SHOP_TIME_ZONE`, default UTC). */
  shopTimeZone: 'SHOP_TIME_ZONE',
  queueUrl: 'QUEUE_URL',
  stateMachineArn: 'STATE_MACHINE_ARN',
  topicArn: 'SNS_TOPIC_ARN',
  paymentSuccessRate: 'PAYMENT_SUCCESS_RATE',
  /** Probability that the simulated carrier books a shipment (default 1; lower it to exercise refunds). */
  shipmentSuccessRate: 'SHIPMENT_SUCCESS_RATE',
  /** How long the simulated payment provider takes to answer (local only: `LOCAL_PAYMENT_DELAY_MS`). */
  paymentDelayMs: 'SIMULATED_PAYMENT_DELAY_MS',
  /**
   * How long the simulated carrier's parcels travel, in milliseconds (local only:
   * `LOCAL_DELIVERY_WAIT_MS`, the local clock). Unset (AWS): the carrier's estimated days. The
   * shipment's `estimatedDeliveryDate` follows it, and with it the order's due date in the
   * open-orders index and its delivery schedule: one value for "how long delivery takes".
   */
  deliveryWaitMs: 'SIMULATED_DELIVERY_WAIT_MS',
  /** Comma-separated origins app-server answers CORS for; unset: any (`*`, the cloud's setting). */
  allowedOrigins: 'ALLOWED_ORIGINS',
  /** Unique per deployment in an account: part of the custom metrics' `service` dimension. */
  deploymentName: 'DEPLOYMENT_NAME',
  /** process-order: the schedule group of the delivery schedules, and the role Scheduler invokes with. */
  deliveryScheduleGroup: 'DELIVERY_SCHEDULE_GROUP',
  cancelWindowSeconds: 'CANCEL_WINDOW_SECONDS',
  deliverySchedulerRoleArn: 'DELIVERY_SCHEDULER_ROLE_ARN',
  /**
   * app-server: the storefront's app client id. API Gateway's Cognito authorizer accepts an ID
   * token of any client of the pool; app-server accepts only this one's (`aud`).
   */
  userPoolClientId: 'USER_POOL_CLIENT_ID',
  /** app-server: the user pool (staff confirmation, `DELETE /me`, `GET /me/export`). */
  userPoolId: 'USER_POOL_ID',
  /**
   * app-server: `true` (the cloud): staff powers need TOTP set up on the account. Unset locally,
   * where cognito-local cannot challenge for a second factor at sign-in.
   */
  staffMfaRequired: 'STAFF_MFA_REQUIRED',
  /** app-server: orders per account per minute (`ORDER_RATE.defaultLimit` unless set; 0: no limit). */
  orderRateLimit: 'ORDER_RATE_LIMIT',
  /** recover-orders: the staleness in milliseconds; unset (AWS): `RECOVERY.staleAfterMinutes`. */
  recoveryStaleAfterMs: 'RECOVERY_STALE_AFTER_MS',
  /** process-order: the sender of the customer's e-mails (SES); unset: no customer e-mail is sent. */
  mailFrom: 'MAIL_FROM',
  /** process-order: the SES configuration set every e-mail is sent with (bounce and complaint events). */
  sesConfigurationSet: 'SES_CONFIGURATION_SET',
  /** app-server and process-order: the storefront's address, for the order page's link (`orderUrl`, every e-mail). */
  storefrontUrl: 'STOREFRONT_URL',
  /**
   * app-server: the `iss` of the pool's ID tokens (`https://cognito-idp.<region>.amazonaws.com/<pool id>`
   * in AWS), for the routes a guest may call too, where app-server verifies a token itself.
   */
  idTokenIssuer: 'ID_TOKEN_ISSUER',
  /** app-server: `true` where the storefront's distribution writes `VIEWER_IP_HEADER` (WAF on); guests' limit counts that address. */
  viewerIpTrusted: 'VIEWER_IP_TRUSTED',
  /** app-server and process-order: the secret (Secrets Manager) guest orders' tokens are derived with. */
  orderTokenSecretArn: 'ORDER_TOKEN_SECRET_ARN',
  /**
   * app-server and process-order: the AppSync Events HTTP endpoint live order status is published
   * to (`https://<api>/event`; locally the stand-in's). Unset: no live updates, clients poll.
   */
  liveEventsUrl: 'LIVE_EVENTS_URL',
} as const;

export const DEFAULT_PAYMENT_SUCCESS_RATE = 0.9;
export const DEFAULT_SHIPMENT_SUCCESS_RATE = 1;

/**
 * Custom metrics (Powertools, CloudWatch embedded metric format): published by the handlers,
 * alarmed on and graphed by `amplify/cloud/monitoring.ts`.
 */
export const METRICS = {
  namespace: 'OrderPlatform',
  appServer: {
    ordersCreated: 'OrdersCreated',
    ordersCancelled: 'OrdersCancelled',
    enqueueFailed: 'OrderEnqueueFailed',
    dependencyFailures: 'DependencyFailures',
  },
  /** Published by `process-order` when a step changed the order. */
  processOrder: {
    paymentsProcessed: 'PaymentsProcessed',
    paymentsDeclined: 'PaymentsDeclined',
    paymentsRefunded: 'PaymentsRefunded',
    notificationsSent: 'NotificationsSent',
    paymentFailed: 'OrdersPaymentFailed',
    shipmentFailed: 'OrdersShipmentFailed',
    /** A charge the payment step could not record, recorded after it gave up (see `settleFailedPayment`). */
    chargesRecovered: 'ChargesRecovered',
    deliveriesScheduled: 'DeliveriesScheduled',
    ordersDelivered: 'OrdersDelivered',
    /** An order whose lines could not all be reserved (OUT_OF_STOCK, nothing charged). */
    ordersOutOfStock: 'OrdersOutOfStock',
  },
  /**
   * Published by `app-server` and `process-order` (`countingOrders`) where a per-day counter write
   * failed after the SDK's retries: a day's figures are short until `npm run reconcile:stats` /
   * `backfill:stats` repair it (the `stats-count-failed` alarm).
   */
  stats: {
    countFailed: 'StatsCountFailed',
  },
  /** Published by app-server and process-order when a live status event could not be published (issue 26). */
  liveUpdates: {
    publishFailed: 'LiveUpdatesFailed',
  },
  /** Published by `recover-orders` on every run, zeros included. */
  recovery: {
    examined: 'OrdersExamined',
    reenqueued: 'OrdersReenqueued',
    restarted: 'OrdersRestarted',
    gaveUp: 'OrdersRecoveryGaveUp',
    stoppedEarly: 'RecoveryStoppedEarly',
  },
  /** Published by `recover-orders` after the orders' recovery (not on a run that stopped at its deadline). */
  stock: {
    /** Reservations of orders that stopped moving, released (or turned into sales) by the run. */
    reservationsSettled: 'ReservationsSettled',
    /** How many products are at or under `STOCK.lowStockThreshold` (the low-stock alarm's metric). */
    lowStockProducts: 'LowStockProducts',
    /** Per low product (dimension `productDimension`, only while it is low): its available units. */
    stockAvailable: 'StockAvailable',
    productDimension: 'productId',
  },
} as const;

/*
 * In AWS the custom metrics' namespace and `service` dimension both carry the deployment's name
 * (`OrderPlatform/<deployment>`, `<deployment>/<function>`), so a sandbox never feeds another
 * deployment's metrics or alarms; locally they are plain. The handlers publish with these two
 * functions and the cloud definition builds its alarms with them.
 */
export function metricsNamespace(deploymentName = process.env[ENV.deploymentName]): string {
  return deploymentName ? `${METRICS.namespace}/${deploymentName}` : METRICS.namespace;
}

export function metricsServiceName(serviceName: string, deploymentName = process.env[ENV.deploymentName]): string {
  return deploymentName ? `${deploymentName}/${serviceName}` : serviceName;
}

/** Reads a required environment variable; a missing one is a deployment bug, so fail loudly. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Environment variable ${name} is not set`);
  return value;
}
