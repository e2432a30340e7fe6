/**
 * AWS cost per 100,000 orders from what the local cost run counted, times the list prices of
 * aws-prices.ts. Per order: API requests (the POST and the order page's polling), Lambda requests
 * and GB-seconds, DynamoDB read/write units by item size (the table and its GSI), SQS requests,
 * Step Functions state transitions (retries included), SNS publishes and e-mails.
 */
import { FUNCTIONS } from '../amplify/server/settings.ts';
import { PRICES, PRICES_DATE, PRICES_REGION, PRICES_SOURCE } from './aws-prices.ts';
import type { CostCounts } from './cost-scenario.ts';

const PER = 100_000;
const kb = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));
const fourKb = (bytes: number) => Math.max(1, Math.ceil(bytes / 4096));

export interface CostLine {
  service: string;
  what: string;
  perOrder: number;
  unitPriceUSD: number;
  per100kUSD: number;
}

export interface CostFigures {
  per100kOrdersUSD: number;
  target: number;
  breakdown: CostLine[];
  byService: Record<string, number>;
  perOrder: Record<string, number>;
  prices: { date: string; region: string; source: string };
  assumptions: string[];
  alternative: { label: string; per100kOrdersUSD: number; replaces: string; lines: CostLine[]; description: string };
  counts: CostCounts;
}

const memoryOf = (name: string) => Object.values(FUNCTIONS).find((f) => f.name === name)?.memoryMB ?? 128;

export function computeCost(c: CostCounts, target = 5): CostFigures {
  const n = c.orders;
  const lines: CostLine[] = [];
  const add = (service: string, what: string, total: number, unitPriceUSD: number) => {
    const perOrder = total / n;
    lines.push({ service, what, perOrder, unitPriceUSD, per100kUSD: perOrder * unitPriceUSD * PER });
  };

  // API Gateway: every request the customer's browser made for the order.
  add('API Gateway', `REST requests (1 POST + ${c.pollsPerOrder.mean.toFixed(2)} GET polls)`, c.apiRequests.post + c.apiRequests.get + c.apiRequests.other, PRICES.apiGatewayRestRequest);

  // Lambda: requests, and GB-seconds from the mean local handler time rounded up to 1 ms.
  for (const [name, invocations] of Object.entries(c.invocations)) {
    if (invocations <= 0) continue;
    add('Lambda', `${name} requests`, invocations, PRICES.lambdaRequest);
    const meanMs = Math.ceil((c.durationsMs[name] ?? 0) / invocations);
    const gbSeconds = invocations * (meanMs / 1000) * (memoryOf(name) / 1024);
    add('Lambda', `${name} GB-s (${invocations / n} x ${meanMs} ms x ${memoryOf(name)} MB)`, gbSeconds, PRICES.lambdaGbSecond);
  }

  // DynamoDB: units by measured item size. Writes to the orders table also write its GSI
  // (CustomerIndex projects ALL attributes), so they are counted twice.
  const t = c.dynamodbByTable;
  const ordersPut = t['orders:PutItem'] ?? 0;
  const ordersUpdate = (t['orders:UpdateItem'] ?? 0) + (t['orders:DeleteItem'] ?? 0);
  const ordersGet = t['orders:GetItem'] ?? 0;
  const idemWrites = (t['idempotency:PutItem'] ?? 0) + (t['idempotency:UpdateItem'] ?? 0) + (t['idempotency:DeleteItem'] ?? 0);
  const idemGet = t['idempotency:GetItem'] ?? 0;
  const pendingKb = kb(c.itemBytes.orders.pendingMean);
  const finalKb = kb(c.itemBytes.orders.max);
  add('DynamoDB', `orders PutItem WRU (${ordersPut / n}/order x ${pendingKb} KB)`, ordersPut * pendingKb, PRICES.dynamoWriteRequestUnit);
  add('DynamoDB', `orders UpdateItem WRU (${(ordersUpdate / n).toFixed(2)}/order x ${finalKb} KB)`, ordersUpdate * finalKb, PRICES.dynamoWriteRequestUnit);
  add('DynamoDB', 'CustomerIndex GSI WRU (every orders write)', ordersPut * pendingKb + ordersUpdate * finalKb, PRICES.dynamoWriteRequestUnit);
  add('DynamoDB', `idempotency writes WRU (${(idemWrites / n).toFixed(2)}/order)`, idemWrites * kb(c.itemBytes.idempotency.max), PRICES.dynamoWriteRequestUnit);
  add('DynamoDB', `GetItem RRU, strongly consistent (${((ordersGet + idemGet) / n).toFixed(2)}/order)`, ordersGet * fourKb(c.itemBytes.orders.max) + idemGet, PRICES.dynamoReadRequestUnit);
  for (const op of ['Query', 'Scan']) {
    const count = Object.entries(t).filter(([k]) => k.endsWith(`:${op}`)).reduce((s, [, v]) => s + v, 0);
    const bytes = c.services.dynamodb?.[op]?.responseBytes ?? 0;
    if (count > 0) add('DynamoDB', `${op} RRU (by returned size)`, Math.max(count, Math.ceil(bytes / 4096)), PRICES.dynamoReadRequestUnit);
  }

  // SQS: SendMessage from app-server, plus the event source's receive and delete per batch.
  const sqsHandler = Object.values(c.services.sqs ?? {}).reduce((s, op) => s + op.requests, 0);
  add('SQS', 'SendMessage (app-server)', sqsHandler, PRICES.sqsRequest);
  const batches = c.invocations['order-starter'] ?? 0;
  add('SQS', `event source ReceiveMessage + DeleteMessageBatch (${(batches / n).toFixed(2)} batches/order)`, batches * 2, PRICES.sqsRequest);

  // Step Functions Standard: transitions, retries included.
  add('Step Functions', `Standard transitions (${((c.executions.transitions + c.executions.retries) / n).toFixed(2)}/order incl. ${c.executions.retries} retries)`, c.executions.transitions + c.executions.retries, PRICES.sfnStandardTransition);

  // SNS.
  add('SNS', 'Publish', c.services.sns?.Publish?.requests ?? 0, PRICES.snsPublish);
  add('SNS', 'e-mail deliveries', c.mails, PRICES.snsEmailDelivery);

  const total = lines.reduce((s, l) => s + l.per100kUSD, 0);
  const byService: Record<string, number> = {};
  for (const l of lines) byService[l.service] = (byService[l.service] ?? 0) + l.per100kUSD;

  // The design we recommend, as an estimate: an Express workflow for payment -> shipment ->
  // notification (billed per request and duration, not per transition) and a one-time
  // EventBridge Scheduler schedule that invokes process-order's confirm_delivery when the
  // estimated delivery date arrives (instead of a Standard workflow waiting for days).
  const processOrderMean = Math.ceil((c.durationsMs['process-order'] ?? 0) / Math.max(1, c.invocations['process-order'] ?? 1));
  const stepsPerExpress = Math.max(0, ((c.invocations['process-order'] ?? 0) - (c.statuses.DELIVERED ?? 0)) / n);
  const expressSeconds = Math.ceil((stepsPerExpress * processOrderMean) / 100) / 10;
  const delivered = (c.statuses.DELIVERED ?? 0) / n;
  const alt: CostLine[] = [
    { service: 'Step Functions', what: 'Express requests (1/order)', perOrder: 1, unitPriceUSD: PRICES.sfnExpressRequest, per100kUSD: PRICES.sfnExpressRequest * PER },
    {
      service: 'Step Functions',
      what: `Express duration (${expressSeconds.toFixed(1)} s at 64 MB, 100 ms steps)`,
      perOrder: expressSeconds * (64 / 1024),
      unitPriceUSD: PRICES.sfnExpressGbSecond,
      per100kUSD: expressSeconds * (64 / 1024) * PRICES.sfnExpressGbSecond * PER,
    },
    {
      service: 'EventBridge Scheduler',
      what: `delivery confirmation (${delivered.toFixed(2)}/order)`,
      perOrder: delivered,
      unitPriceUSD: PRICES.schedulerInvocation,
      per100kUSD: delivered * PRICES.schedulerInvocation * PER,
    },
  ];
  const standard = byService['Step Functions'] ?? 0;
  const altTotal = total - standard + alt.reduce((s, l) => s + l.per100kUSD, 0);

  return {
    per100kOrdersUSD: total,
    target,
    breakdown: lines,
    byService,
    perOrder: {
      apiRequests: (c.apiRequests.post + c.apiRequests.get) / n,
      lambdaInvocations: Object.values(c.invocations).reduce((s, v) => s + v, 0) / n,
      stateTransitions: (c.executions.transitions + c.executions.retries) / n,
      dynamodbWrites: (ordersPut + ordersUpdate + idemWrites) / n,
      dynamodbReads: (ordersGet + idemGet) / n,
      snsPublishes: (c.services.sns?.Publish?.requests ?? 0) / n,
      emails: c.mails / n,
    },
    prices: { date: PRICES_DATE, region: PRICES_REGION, source: PRICES_SOURCE },
    assumptions: [
      `Payment success rate ${c.settings.paymentSuccessRate} (the default: declines are part of real traffic); ${JSON.stringify(c.statuses)} of ${n} orders.`,
      `Each customer keeps the order page open from POST until the order is final; local delivery wait ${c.settings.deliveryWaitMs} ms, so ${c.pollsPerOrder.mean.toFixed(2)} GETs per order. In AWS the wait is days: a tab left open polls every 10 s (360 requests an hour).`,
      'Lambda durations are the local handlers\' measured times (a proxy: in-process, sharing two cores with the local services), mean per function rounded up to 1 ms.',
      'DynamoDB: PutItem counted at the size POST writes, UpdateItem at the largest final item (UpdateItem bills the larger of before/after); CustomerIndex (projection ALL) doubles every orders write.',
      'SQS: the event source\'s receives are approximated by one ReceiveMessage and one DeleteMessageBatch per order-starter batch; idle long polls (a fixed ~$0.26 a month) are not per order.',
      'Not included: CloudFront/S3 for the storefront, CloudWatch logs/metrics/alarms, data transfer, the recovery schedule, storage, free tiers.',
    ],
    alternative: {
      label: 'ESTIMATE: Express workflow + scheduled delivery confirmation',
      per100kOrdersUSD: altTotal,
      replaces: `Step Functions Standard ($${standard.toFixed(2)} per 100k orders)`,
      lines: alt,
      description:
        'Payment -> shipment -> notification as an Express workflow (retries and catches unchanged; ~1-2 s, well under the 5-minute limit), which then creates a one-time EventBridge Scheduler schedule at estimatedDeliveryDate that invokes process-order confirm_delivery. Every other counted cost is unchanged.',
    },
    counts: c,
  };
}
