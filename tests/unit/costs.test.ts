/**
 * The store's costs and the order number: the shipping rule, the priced parts, the e-mail; and the
 * bench's AWS cost model (bench/cost.ts, write-ledger.ts, cloud-config.ts), whose arithmetic these
 * tests recompute from the counts and the price list, never from stored results.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ORDERS_TABLE } from '../../amplify/server/settings/tables.ts';
import { COGNITO_PLANS, LAMBDA_MB_PER_VCPU, PRICE_LIST, PRICES } from '../../bench/aws-prices.ts';
import {
  apiPathFromTemplates,
  customerEmails,
  defaultBehaviorHasFunction,
  DEFAULT_SCENARIO,
  monthlyBill,
  returningVisit,
  scenarioFromEnv,
  uniqueByPath,
  userPoolPlans,
  visitLoad,
  type VisitFigures,
  type VisitRequest,
} from '../../bench/bill.ts';
import { readCloudConfig, XRAY_DEFAULT_SAMPLING, type CloudConfig } from '../../bench/cloud-config.ts';
import {
  cloudDurationMs,
  computeCost,
  corsPreflights,
  cpuShare,
  expressBilledSeconds,
  lambdaPlatformLines,
  ORDERS_PER_MONTH,
  sampledShare,
  WORKFLOW_LOG_EVENT,
  workflowLogEvents,
} from '../../bench/cost.ts';
import { emailsByKind, type CostCounts } from '../../bench/cost-scenario.ts';
import { alarmMetrics, apiGatewayDetailedMetrics, fixedMonthlyCost, scheduleRunsPerMonth, type CfnTemplate, type PublishedMetrics } from '../../bench/fixed-monthly.ts';
import { itemSize } from '../../bench/item-size.ts';
import { applyUpdate, WriteLedger, writeUnits, type TableSpec } from '../../bench/write-ledger.ts';
import { countryName, countryOptions } from '../../amplify/domain/countries.ts';
import { renderEmail } from '../../amplify/domain/notification.ts';
import { orderNumberOf } from '../../amplify/domain/order-rules.ts';
import { priceOrder } from '../../amplify/domain/pricing.ts';
import { centsToFreeShipping, shippingCents, SHIPPING_RULE } from '../../amplify/domain/shipping.ts';
import { orderRequest } from '../fixtures.ts';

describe('shipping rule', () => {
  it('is free from $50 and $4.99 below, nothing for an empty order', () => {
    expect(SHIPPING_RULE).toEqual({ freeFromCents: 5000, flatRateCents: 499 });
    expect(shippingCents(0)).toBe(0);
    expect(shippingCents(1)).toBe(499);
    expect(shippingCents(4999)).toBe(499);
    expect(shippingCents(5000)).toBe(0);
    expect(centsToFreeShipping(1850)).toBe(3150);
    expect(centsToFreeShipping(6000)).toBe(0);
  });

  it('is part of the priced order: total = subtotal + shipping, in exact cents', () => {
    // 18.50 (Coffee Mug) + 27.49 (Desk Lamp) = 45.99 < 50: shipping 4.99
    expect(priceOrder([{ productId: 'prod-012', quantity: 1 }, { productId: 'prod-008', quantity: 1 }])).toMatchObject({
      subtotalAmount: 45.99,
      shippingAmount: 4.99,
      totalAmount: 50.98,
    });
    expect(priceOrder([{ productId: 'prod-001', quantity: 1 }])).toMatchObject({ subtotalAmount: 129.99, shippingAmount: 0, totalAmount: 129.99 });
  });
});

describe('order number', () => {
  it('is short, readable and derived from the id', () => {
    const id = '3f2b8c1e-9a4d-4e6f-8b1a-2c3d4e5f6a7b';
    expect(orderNumberOf(id)).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(orderNumberOf(id)).toBe(orderNumberOf(id.toUpperCase()));
    // The version digit (index 14 of the string) does not count: only the random digits do.
    expect(orderNumberOf(id)).toBe(orderNumberOf('3f2b8c1e-9a4d-8e6f-8b1a-2c3d4e5f6a7b'));
    expect(orderNumberOf('3f2b8c1e-9a4d-4e6f-8b1a-2c3d4e5f6a7c')).toBe(orderNumberOf(id)); // beyond the 60 bits
    expect(orderNumberOf('3f2b8c1e-9a4d-4e6e-8b1a-2c3d4e5f6a7b')).not.toBe(orderNumberOf(id));
    expect(orderNumberOf('not-a-uuid')).toBe('not-a-uuid');
  });

  it('does not repeat over 50,000 random order ids (60 random bits each)', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50_000; i++) seen.add(orderNumberOf(randomUUID()));
    expect(seen.size).toBe(50_000);
  });
});

describe('countries', () => {
  it('offers canonical ISO codes with English names and reads old free-text values as they are', () => {
    const options = countryOptions();
    expect(options.length).toBeGreaterThan(240);
    expect(options).toContainEqual({ code: 'US', name: 'United States' });
    expect(options.map((o) => o.code)).not.toContain('UK'); // alias of GB
    expect(options.map((o) => o.code)).not.toContain('EU');
    expect(countryName('ES')).toBe('Spain');
    expect(countryName('Spain')).toBe('Spain');
  });
});

describe('confirmation e-mail', () => {
  it('follows the seed layout with the store name, the short number, costs and dates a person reads', () => {
    const orderId = '3f2b8c1e-9a4d-4e6f-8b1a-2c3d4e5f6a7b';
    const priced = priceOrder([{ productId: 'prod-012', quantity: 2 }]);
    const { subject, text: body } = renderEmail('order-shipped', {
      ...orderRequest({ shippingAddress: { street: '12 Analytical Row', city: 'Springfield', state: 'IL', zipCode: '62701', country: 'US' } }),
      ...priced,
      customerId: 'customer-001',
      customerEmail: 'ana@example.com',
      orderId,
      orderNumber: orderNumberOf(orderId),
      orderDate: '2026-03-05T23:30:00.000Z',
      updatedAt: '2026-03-05T23:30:00.000Z',
      status: 'SHIPPED',
      trackingNumber: 'TRK0123456789AB',
      estimatedDeliveryDays: 3,
      estimatedDeliveryDate: '2026-03-09T00:00:00.000Z',
    }, 'https://shop.example.com');
    expect(subject).toBe(`Order Confirmation - ${orderNumberOf(orderId)}`);
    expect(body).toBe(`Order Confirmation - Desk & Gadget Co.

Dear Ana García,

Thank you for your order!

Order Details:
--------------
Order Number: ${orderNumberOf(orderId)}
Order Date: March 5, 2026
Status: Shipped

Items:
- Coffee Mug x2 - $18.50

Subtotal: $37.00
Shipping: $4.99
Total Amount: $41.99
Prices are in US dollars. No sales tax is added: the total is what you pay.

Shipping Address:
12 Analytical Row
Springfield, IL 62701
United States

Tracking Number: TRK0123456789AB
Estimated Delivery: 3 business days (by March 9, 2026)

Your order: https://shop.example.com/#/orders/${orderId}

Thank you for shopping with us!
Desk & Gadget Co.
`);
    expect(body.replace(`/#/orders/${orderId}`, '')).not.toContain(orderId);
  });
});

// ---------------------------------------------------------------- the bench's AWS cost model

const deployment = (over: Partial<CloudConfig> = {}): CloudConfig => ({
  workflowType: 'STANDARD',
  workflowLogLevel: 'ALL',
  workflowIncludesExecutionData: false,
  lambdaArchitecture: 'x86_64',
  apiAccessLogFormat: 'jsonWithStandardFields',
  xraySampling: XRAY_DEFAULT_SAMPLING,
  functionTracing: {},
  lambdaSystemLogLevel: 'INFO',
  sources: {},
  ...over,
});

/** A small run's counts: 10 orders, 9 delivered, 1 declined. */
function counts(over: Partial<CostCounts> = {}): CostCounts {
  const ledger = { writes: 50, failedConditionalWrites: 1, tableUnits: 90, readUnits: 40, reads: 40, shadowMismatches: 0 };
  return {
    orders: 10,
    apiRequests: { post: 10, get: 40, other: 0 },
    pollsPerOrder: { mean: 4, min: 3, max: 6 },
    watchSeconds: { mean: 5 },
    statuses: { DELIVERED: 9, PAYMENT_FAILED: 1 },
    invocations: { 'app-server': 50, 'order-starter': 6, 'process-order': 37 },
    durationsMs: { 'app-server': 50 * 20, 'order-starter': 6 * 40, 'process-order': 37 * 150 },
    services: { sqs: { SendMessage: { requests: 10, requestBytes: 0, responseBytes: 0, faults: 0, errors: 0 } }, sns: { Publish: { requests: 9, requestBytes: 0, responseBytes: 0, faults: 0, errors: 0 } } },
    dynamodbByTable: {},
    executions: { count: 10, transitions: 57, retries: 2, byStatus: { SUCCEEDED: 9, FAILED: 1 }, durationsMs: [...Array(9).fill(3450), 120], shipmentStarts: 0 },
    dynamodbUnits: {
      orders: { ...ledger, indexes: { CustomerIndex: { units: 60, puts: 10, deletes: 0, moves: 0, rewrites: 37, }, OpenOrdersDueIndex: { units: 70, puts: 10, deletes: 10, moves: 27, rewrites: 0 } } },
      idempotency: { ...ledger, writes: 18, tableUnits: 18, reads: 0, readUnits: 0, indexes: {} },
      // Per order: one reservation, then its sale (or release); a refused reservation reads the item.
      stock: { ...ledger, writes: 20, failedConditionalWrites: 0, tableUnits: 20, reads: 1, readUnits: 1, indexes: {} },
    },
    logs: { 'app-server': { bytes: 12_000, events: 20 }, 'process-order': { bytes: 30_000, events: 37 } },
    pollBackoff: {},
    mails: 9,
    itemBytes: { orders: { mean: 1500, max: 2100, pendingMean: 1300 }, idempotency: { mean: 300, max: 400 } },
    settings: { paymentSuccessRate: 0.9, deliveryWaitMs: 3000, retryIntervalMs: 200, concurrency: 20 },
    // The sequential pass: process-order faster than under the counted run's load.
    calibratedMeanMs: { 'app-server': 20, 'order-starter': 40, 'process-order': 119.2 },
    calibrationOrders: 5,
    calibrationExecutionMs: [701, 1100],
    ...over,
  };
}

const line = (figures: ReturnType<typeof computeCost>, service: string, startsWith: string) => {
  const found = figures.breakdown.find((l) => l.service === service && l.what.startsWith(startsWith));
  if (!found) throw new Error(`no ${service} line starting '${startsWith}' in ${figures.breakdown.map((l) => l.what).join(' | ')}`);
  return found;
};

describe('cost model', () => {
  const options = { accessLogLineBytes: 250 };

  it("prices the operator's e-mail for the events NOTIFICATION_EVENTS lets through only, and the WAF and function per API request when the template has them", () => {
    const c = counts({ emailsByKind: { 'order-confirmed': 9, 'order-shipped': 9, 'order-delivered': 9, 'order-cancelled': 1, 'order-refunded': 1 } });
    const operator = line(computeCost(c, deployment(), options), 'SNS', "the operator's e-mail");
    expect(operator.perOrder).toBeCloseTo(2 / 10, 9);
    expect(operator.per100kUSD).toBeCloseTo((2 / 10) * 100_000 * PRICES.snsEmailDelivery, 9);
    const browser = { apiViaCloudFront: true, corsMaxAgeSeconds: 600, source: 'test' };
    const plain = computeCost(c, deployment(), { ...options, browser });
    expect(plain.breakdown.some((l) => l.service === 'WAF')).toBe(false);
    const guarded = computeCost(c, deployment(), { ...options, browser: { ...browser, webAclOnApi: true, functionOnApi: true } });
    expect(line(guarded, 'WAF', 'API requests inspected').perOrder).toBeCloseTo(5, 9); // 1 POST + 4 GETs an order
    expect(line(guarded, 'CloudFront', "the API behavior's function").per100kUSD).toBeCloseTo(5 * 100_000 * PRICES.cloudFrontFunctionInvocation, 9);
  });

  it("counts the stock table's writes per order (a reservation, then its sale or release) as their own line", () => {
    const stock = line(computeCost(counts(), deployment(), options), 'DynamoDB', 'stock table WRU');
    expect(stock.what).toContain('2.00 writes/order');
    expect(stock.perOrder).toBeCloseTo(20 / 10, 9);
    expect(stock.per100kUSD).toBeCloseTo(2 * 100_000 * PRICES.dynamoWriteRequestUnit, 9);
  });

  it('prices every line as quantity per order x unit price x 100,000, and the total is their sum', () => {
    const c = counts();
    const figures = computeCost(c, deployment(), options);
    for (const l of figures.breakdown) expect(l.per100kUSD).toBeCloseTo(l.perOrder * l.unitPriceUSD * ORDERS_PER_MONTH, 9);
    expect(figures.per100kOrdersUSD).toBeCloseTo(figures.breakdown.reduce((s, l) => s + l.per100kUSD, 0), 9);
    // Every service but SES (the customers' e-mails, apart from the infrastructure total) adds up to it.
    expect(Object.entries(figures.byService).reduce((s, [service, v]) => s + (service === 'SES' ? 0 : v), 0)).toBeCloseTo(figures.per100kOrdersUSD, 9);
    expect(figures.byService.SES).toBeCloseTo((9 / 10) * PRICES.sesEmail * 1e5, 9);
    // Recomputed from the counts and the price list:
    expect(line(figures, 'API Gateway', 'REST requests').per100kUSD).toBeCloseTo(((10 + 40) / 10) * PRICES.apiGatewayRestRequest * 1e5, 9);
    expect(line(figures, 'Step Functions', 'Standard transitions').perOrder).toBeCloseTo((57 + 2) / 10, 9);
    expect(line(figures, 'DynamoDB', 'OpenOrdersDueIndex').perOrder).toBe(7);
    // The sequential pass's mean, rounded up to 1 ms, not the counted run's 150 ms.
    expect(line(figures, 'Lambda', 'process-order GB-s').perOrder).toBeCloseTo((37 * 0.12 * (128 / 1024)) / 10, 9);
    expect(figures.perOrder.stateTransitions).toBeCloseTo(5.9, 9);
  });

  it('prices an Express workflow per request and 64 MB x 100 ms, and delivery by schedule, with no transitions', () => {
    const c = counts();
    const standard = computeCost(c, deployment(), options);
    const express = computeCost(c, deployment({ workflowType: 'EXPRESS' }), options);
    expect(express.breakdown.some((l) => l.what.startsWith('Standard transitions'))).toBe(false);
    expect(line(express, 'Step Functions', 'Express requests').per100kUSD).toBeCloseTo(1 * PRICES.sfnExpressRequest * 1e5, 9);
    const billed = 9 * 3.5 + 1 * 0.2; // 3450 ms -> 3.5 s, 120 ms -> 0.2 s
    expect(line(computeCost({ ...c, calibrationExecutionMs: [] }, deployment({ workflowType: 'EXPRESS' }), options), 'Step Functions', 'Express duration').perOrder).toBeCloseTo((billed * (64 / 1024)) / 10, 9);
    // With a sequential pass, its executions' mean billed time x the counted executions.
    expect(line(express, 'Step Functions', 'Express duration').perOrder).toBeCloseTo(((0.8 + 1.1) / 2) * 10 * (64 / 1024) / 10, 9);
    expect(line(express, 'EventBridge Scheduler', 'delivery').perOrder).toBeCloseTo(0.9, 9);
    expect(express.byService['Step Functions']).toBeLessThan(standard.byService['Step Functions']! / 10);
    expect(expressBilledSeconds(1)).toBe(0.1);
    expect(expressBilledSeconds(100)).toBe(0.1);
    expect(expressBilledSeconds(101)).toBe(0.2);
    expect(PRICES.sfnExpressGbSecond * 3600).toBeCloseTo(0.06, 9); // $0.06 per GB-hour
  });

  it('prices arm64 Lambdas at the Arm GB-second price and the same request price', () => {
    const x86 = computeCost(counts(), deployment(), options);
    const arm = computeCost(counts(), deployment({ lambdaArchitecture: 'arm64' }), options);
    const gbs = (f: typeof x86) => line(f, 'Lambda', 'app-server GB-s').per100kUSD;
    expect(gbs(arm) / gbs(x86)).toBeCloseTo(PRICES.lambdaArmGbSecond / PRICES.lambdaGbSecond, 9);
    expect(line(arm, 'Lambda', 'app-server requests').per100kUSD).toBe(line(x86, 'Lambda', 'app-server requests').per100kUSD);
  });

  it('grows with every counted poll: API requests, traces and access logs', () => {
    const few = computeCost(counts(), deployment(), options);
    const many = computeCost(counts({ apiRequests: { post: 10, get: 90, other: 0 } }), deployment(), options);
    expect(line(many, 'API Gateway', 'REST').per100kUSD / line(few, 'API Gateway', 'REST').per100kUSD).toBeCloseTo(100 / 50, 9);
    expect(line(many, 'CloudWatch Logs', 'API access log').perOrder).toBeCloseTo((100 * (250 + 26)) / 1024 ** 3 / 10, 15);
    expect(many.byService['X-Ray']!).toBeGreaterThan(few.byService['X-Ray']!);
  });

  it('prices log bytes with 26 bytes per event, and the workflow log by its level', () => {
    const f = computeCost(counts(), deployment(), options);
    expect(line(f, 'CloudWatch Logs', 'Lambda handler logs').perOrder).toBeCloseTo((12_000 + 30_000 + 57 * 26) / 1024 ** 3 / 10, 15);
    const platform = lambdaPlatformLines(true).reduce((s, l) => s + Buffer.byteLength(l) + 26, 0);
    expect(line(f, 'CloudWatch Logs', 'Lambda START').perOrder).toBeCloseTo((93 * platform) / 1024 ** 3 / 10, 15);
    // At system log level WARN Lambda writes none of them, and the lever that says so is gone.
    const warn = computeCost(counts(), deployment({ lambdaSystemLogLevel: 'WARN' }), options);
    expect(line(warn, 'CloudWatch Logs', 'Lambda START').perOrder).toBe(0);
    const systemLever = (x: typeof f) => x.levers.find((l) => l.name.startsWith("Lambda's system log level WARN"));
    expect(systemLever(f)?.savesPer100kUSD).toBeCloseTo(line(f, 'CloudWatch Logs', 'Lambda START').per100kUSD * (1 + 0.03 / 0.5), 9);
    expect(systemLever(warn)).toBeUndefined();
    const c = counts();
    const all = workflowLogEvents(c, deployment({ workflowLogLevel: 'ALL' }), 0);
    const error = workflowLogEvents(c, deployment({ workflowLogLevel: 'ERROR' }), 0);
    expect(all).toBe(10 * 2 + 57 * 2 + 37 * 3);
    expect(error).toBe(2 + 1 * 2);
    expect(workflowLogEvents(c, deployment({ workflowLogLevel: 'OFF' }), 0)).toBe(0);
    const errorLevel = computeCost(c, deployment({ workflowLogLevel: 'ERROR' }), options);
    expect(line(errorLevel, 'CloudWatch Logs', 'workflow log').perOrder).toBeCloseTo((error * (Buffer.byteLength(WORKFLOW_LOG_EVENT) + 26)) / 1024 ** 3 / 10, 15);
  });

  it('records API traces at the sampling rule, Lambda-started traces at Lambda\'s fixed rule, and drops a lever once pulled', () => {
    expect(sampledShare(0.2, XRAY_DEFAULT_SAMPLING)).toBe(1);
    expect(sampledShare(11, XRAY_DEFAULT_SAMPLING)).toBeCloseTo((1 + 0.05 * 10) / 11, 12);
    expect(sampledShare(5, { reservoirPerSecond: 0, fixedRate: 0.05 })).toBeCloseTo(0.05, 12);
    const trace = PRICES.xrayTraceRecorded * 1e5;
    const f = computeCost(counts(), deployment(), options);
    // 5 API requests an order (~0.19/s at 100,000 orders a month): all under the default rule's reservoir.
    expect(line(f, 'X-Ray', 'API traces').per100kUSD).toBeCloseTo((50 / 10) * trace, 9);
    // 6 order-starter batches (Standard: no scheduled invocations); executions join their trace.
    expect(line(f, 'X-Ray', 'Lambda-started traces').per100kUSD).toBeCloseTo((6 / 10) * trace, 9);
    expect(line(f, 'X-Ray', 'workflow-started traces').per100kUSD).toBe(0);
    const rule = { reservoirPerSecond: 0, fixedRate: 0.05, rule: 'test' };
    const lean = computeCost(counts(), deployment({ xraySampling: rule }), options);
    expect(line(lean, 'X-Ray', 'API traces').per100kUSD).toBeCloseTo((50 / 10) * 0.05 * trace, 9);
    // A sampling rule does not reach the traces Lambda starts itself.
    expect(line(lean, 'X-Ray', 'Lambda-started traces').per100kUSD).toBe(line(f, 'X-Ray', 'Lambda-started traces').per100kUSD);
    const express = computeCost(counts(), deployment({ workflowType: 'EXPRESS', xraySampling: rule }), options);
    expect(line(express, 'X-Ray', 'Lambda-started traces').perOrder).toBeCloseTo((6 + 9) / 10, 9);
    // Levers: the rule saves what the default rule records above 5%, and is gone once deployed.
    const ruleLever = (x: typeof f) => x.levers.find((l) => l.name.startsWith('X-Ray sampling rule'));
    expect(ruleLever(f)?.savesPer100kUSD).toBeCloseTo((50 / 10) * 0.95 * trace, 9);
    expect(ruleLever(lean)).toBeUndefined();
    // PassThrough saves every Lambda-started trace: the executions then follow order-starter's
    // unsampled decision, so no execution trace takes their place.
    const passThroughLever = express.levers.find((l) => l.name.startsWith('Lambda tracing PassThrough'));
    expect(passThroughLever?.savesPer100kUSD).toBeCloseTo(((6 + 9) / 10) * trace, 9);
    const passThrough = computeCost(
      counts(),
      deployment({ workflowType: 'EXPRESS', xraySampling: rule, functionTracing: { 'order-starter': 'PassThrough', 'process-order': 'PassThrough' } }),
      options,
    );
    expect(line(passThrough, 'X-Ray', 'Lambda-started traces').per100kUSD).toBe(0);
    // Step Functions follows the decision order-starter hands it: no execution starts a trace.
    expect(line(passThrough, 'X-Ray', 'workflow-started traces').per100kUSD).toBe(0);
    expect(line(passThrough, 'X-Ray', 'workflow-started traces').what).toContain('order-starter (PassThrough)');
    expect(passThrough.byService['X-Ray']).toBeCloseTo((50 / 10) * 0.05 * trace, 9);
    expect(passThrough.perOrder.traceRoots).toBeCloseTo(50 / 10, 9);
    expect(passThrough.levers.find((l) => l.name.startsWith('Lambda tracing PassThrough'))).toBeUndefined();
    // With order-starter Active the executions join its traces (counted as Lambda-started): still none of their own.
    expect(line(express, 'X-Ray', 'workflow-started traces').per100kUSD).toBe(0);
    // The sensitivity: Step Functions sampling each of the 10 executions by X-Ray's default rule
    // (0.039/s at 100,000 orders a month: all of them under its 1/s reservoir).
    for (const x of [passThrough, express, f]) {
      expect(x.sensitivities).toHaveLength(1);
      expect(x.sensitivities[0]!.name).toMatch(/default rule/);
      expect(x.sensitivities[0]!.addsPer100kUSD).toBeCloseTo((10 / 10) * trace, 9);
    }
    expect(passThrough.assumptions.find((a) => a.startsWith('X-Ray:'))).toContain(`+$${trace.toFixed(2)} per 100k orders`);
    // Not in the headline.
    expect(passThrough.per100kOrdersUSD).toBeCloseTo(passThrough.breakdown.reduce((s, l) => s + l.per100kUSD, 0), 9);
    expect(express.withLeversPer100kUSD).toBeCloseTo(express.per100kOrdersUSD - express.levers.reduce((s, l) => s + l.savesPer100kUSD, 0), 9);
  });

  it('names a source page and a date for every price, and keeps SNS e-mail cheaper than SES', () => {
    for (const [name, p] of Object.entries(PRICE_LIST)) {
      expect(p.source, name).toMatch(/^https:\/\/aws\.amazon\.com\//);
      expect(p.checked, name).toMatch(/^\d{4}-\d{2}-\d{2}/);
      expect(p.usd, name).toBeGreaterThan(0);
    }
    expect(PRICES.snsEmailDelivery * 1e5).toBeCloseTo(2, 9);
    expect(PRICES.sesEmail * 1e5).toBeCloseTo(10, 9);
  });
});

describe('fixed monthly cost, counted from templates', () => {
  type Resources = NonNullable<CfnTemplate['Resources']>;
  const template = (resources: Resources): Record<string, CfnTemplate> => ({ 'stack.template.json': { Resources: resources } });
  const metricStat = (id: string, metricName: string, period = 300) => ({ Id: id, MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: metricName }, Period: period, Stat: 'Sum' }, ReturnData: false });
  const mathAlarm = (metrics: number, period = 300) => ({
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      Metrics: [
        { Id: 'expr', Expression: Array.from({ length: metrics }, (_, i) => `FILL(m${i}, 0)`).join(' + '), ReturnData: true },
        ...Array.from({ length: metrics }, (_, i) => metricStat(`m${i}`, 'Errors', period)),
      ],
    },
  });
  const plainAlarm = (period = 300) => ({ Type: 'AWS::CloudWatch::Alarm', Properties: { Namespace: 'AWS/SQS', MetricName: 'ApproximateAgeOfOldestMessage', Period: period, Statistic: 'Maximum' } });
  const fixedLine = (f: ReturnType<typeof fixedMonthlyCost>, service: string, includes: string) => {
    const found = f.lines.find((l) => l.service === service && l.what.includes(includes));
    if (!found) throw new Error(`no ${service} line with '${includes}' in ${f.lines.map((l) => l.what).join(' | ')}`);
    return found;
  };
  /** A REST API with /orders (GET, POST, OPTIONS) and /orders/{id} (GET), and a stage with `settings`. */
  const api = (methodSettings: Record<string, unknown>[]): Resources => ({
    Api: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'orders-api' } },
    Orders: { Type: 'AWS::ApiGateway::Resource', Properties: { RestApiId: { Ref: 'Api' }, ParentId: { 'Fn::GetAtt': ['Api', 'RootResourceId'] }, PathPart: 'orders' } },
    OrderId: { Type: 'AWS::ApiGateway::Resource', Properties: { RestApiId: { Ref: 'Api' }, ParentId: { Ref: 'Orders' }, PathPart: '{orderId}' } },
    OrdersGet: { Type: 'AWS::ApiGateway::Method', Properties: { RestApiId: { Ref: 'Api' }, ResourceId: { Ref: 'Orders' }, HttpMethod: 'GET' } },
    OrdersPost: { Type: 'AWS::ApiGateway::Method', Properties: { RestApiId: { Ref: 'Api' }, ResourceId: { Ref: 'Orders' }, HttpMethod: 'POST' } },
    OrdersOptions: { Type: 'AWS::ApiGateway::Method', Properties: { RestApiId: { Ref: 'Api' }, ResourceId: { Ref: 'Orders' }, HttpMethod: 'OPTIONS' } },
    OrderGet: { Type: 'AWS::ApiGateway::Method', Properties: { RestApiId: { Ref: 'Api' }, ResourceId: { Ref: 'OrderId' }, HttpMethod: 'GET' } },
    Stage: { Type: 'AWS::ApiGateway::Stage', Properties: { RestApiId: { Ref: 'Api' }, StageName: 'prod', MethodSettings: methodSettings } },
  });
  const published = (fn: string, metrics: string[]): PublishedMetrics => ({
    function: fn,
    namespace: 'OrderPlatform/deployment',
    dimensionSets: [{ service: `deployment/${fn}` }],
    metrics,
    sources: [],
    uncounted: [],
  });

  it('bills an alarm per metric it evaluates: a metric-math alarm on 10 metrics is 10 alarm metrics, a plain alarm 1', () => {
    expect(alarmMetrics(mathAlarm(10).Properties)).toEqual({ metrics: 10, highResolution: false, anomalyDetection: false });
    expect(alarmMetrics(plainAlarm().Properties)).toEqual({ metrics: 1, highResolution: false, anomalyDetection: false });
    expect(alarmMetrics(mathAlarm(2, 10).Properties).highResolution).toBe(true);
    expect(alarmMetrics(plainAlarm(30).Properties).highResolution).toBe(true);
    // An anomaly detection band bills the metric and its two bounds.
    expect(alarmMetrics({ Metrics: [metricStat('m1', 'Latency'), { Id: 'ad', Expression: 'ANOMALY_DETECTION_BAND(m1, 2)' }] }).metrics).toBe(3);

    const f = fixedMonthlyCost(template({ A: mathAlarm(10), B: plainAlarm(), C: mathAlarm(2), D: plainAlarm(10) }), []);
    const standard = fixedLine(f, 'CloudWatch', 'standard-resolution alarm');
    expect(standard).toMatchObject({ quantity: 10 + 1 + 2, unitPriceUSD: PRICES.cloudWatchAlarmMetricMonth });
    expect(standard.what).toContain('3 standard-resolution alarms (1 on 1 metric, 2 metric-math on 10 + 2 metrics)');
    expect(standard.monthlyUSD).toBeCloseTo(13 * 0.1, 9);
    expect(fixedLine(f, 'CloudWatch', 'high-resolution alarm')).toMatchObject({ quantity: 1, unitPriceUSD: PRICES.cloudWatchHighResolutionAlarmMetricMonth });
    expect(f.totalUSD).toBeCloseTo(13 * 0.1 + 0.3, 9);
    // The first 10 standard-resolution alarm metrics are free (per account), apart from the total.
    expect(f.freeTier).toEqual([{ what: expect.stringContaining('10 standard-resolution alarm metrics'), monthlyUSD: 10 * 0.1 }]);
    expect(f.freeTierAdjustedUSD).toBeCloseTo(3 * 0.1 + 0.3, 9);
  });

  it('bills dashboards at $3, the first 3 of the account free', () => {
    const dashboards = Object.fromEntries(Array.from({ length: 4 }, (_, i) => [`D${i}`, { Type: 'AWS::CloudWatch::Dashboard', Properties: {} }]));
    const f = fixedMonthlyCost(template(dashboards), []);
    expect(fixedLine(f, 'CloudWatch', 'dashboards')).toMatchObject({ quantity: 4, unitPriceUSD: 3, monthlyUSD: 12 });
    expect(f.freeTier.find((t) => t.what.includes('dashboards'))?.monthlyUSD).toBe(9);
    expect(f.freeTierAdjustedUSD).toBeCloseTo(3, 9);
  });

  it('bills each metric name x dimension set the handlers publish as a custom metric', () => {
    const f = fixedMonthlyCost(template({}), [published('app-server', ['OrdersCreated', 'OrdersCancelled']), published('order-starter', []), published('recover-orders', ['OrdersExamined', 'OrdersRestarted', 'OrdersRecoveryGaveUp'])]);
    const custom = fixedLine(f, 'CloudWatch', 'custom metrics the handlers publish');
    expect(custom).toMatchObject({ quantity: 5, unitPriceUSD: PRICES.cloudWatchCustomMetricMonth });
    expect(custom.what).toContain('app-server 2 + recover-orders 3 metric names x 1 dimension set {service}');
    expect(custom.monthlyUSD).toBeCloseTo(1.5, 9);
    // Two dimension sets: every metric twice. Calls that would add more are reported, not counted.
    const twice = fixedMonthlyCost(template({}), [{ ...published('app-server', ['OrdersCreated']), dimensionSets: [{ service: 's' }, { service: 's', route: 'r' }], uncounted: ['addDimension in x.ts'] }]);
    expect(fixedLine(twice, 'CloudWatch', 'custom metrics').quantity).toBe(2);
    expect(twice.notes.join(' ')).toContain('addDimension in x.ts');
  });

  it("bills API Gateway's per-method metrics (7 each) only when the stage's MethodSettings enable them", () => {
    const all = { ResourcePath: '/*', HttpMethod: '*' };
    const on = fixedMonthlyCost(template(api([{ ...all, MetricsEnabled: true }])), []);
    const line = fixedLine(on, 'CloudWatch', 'API Gateway detailed metrics');
    expect(line).toMatchObject({ quantity: 4 * 7, unitPriceUSD: PRICES.cloudWatchCustomMetricMonth });
    expect(line.monthlyUSD).toBeCloseTo(28 * 0.3, 9);
    expect(on.customMetrics.apiGatewayDetailed).toEqual([{ stage: 'prod', methods: ['GET /orders', 'POST /orders', 'OPTIONS /orders', 'GET /orders/{orderId}'], allMethods: 4, metricsPerMethod: 7 }]);
    expect(on.notes).toEqual([]);
    // Off (or not set): API-level metrics only, which are free; the note says what turning them on would add.
    for (const settings of [[{ ...all, MetricsEnabled: false }], [{ ...all, LoggingLevel: 'ERROR' }], []]) {
      const off = fixedMonthlyCost(template(api(settings)), []);
      expect(off.lines.some((l) => l.what.includes('API Gateway'))).toBe(false);
      expect(off.totalUSD).toBe(0);
      expect(off.notes).toEqual([expect.stringContaining('would add 28 custom metrics, $8.40 a month')]);
    }
    // A method's own entry (path `~1`-encoded) beats the stage-wide one.
    const one = apiGatewayDetailedMetrics(
      Object.entries(api([{ ...all, MetricsEnabled: false }, { ResourcePath: '/~1orders~1{orderId}', HttpMethod: 'GET', MetricsEnabled: true }])).map(([id, r]) => ({ file: 't', id, type: r.Type, props: r.Properties ?? {} })),
    );
    expect(one).toEqual([{ stage: 'prod', methods: ['GET /orders/{orderId}'], allMethods: 4, metricsPerMethod: 7 }]);
    // The free tier's 10 metrics cover part of them.
    expect(on.freeTier.find((t) => t.what.includes('custom or detailed metrics'))?.monthlyUSD).toBeCloseTo(10 * 0.3, 9);
  });

  it('bills KMS keys, web ACLs and their rules, secrets; counts the recurring usage; lists the types with no fixed price', () => {
    const f = fixedMonthlyCost(
      template({
        Key: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } },
        Acl: { Type: 'AWS::WAFv2::WebACL', Properties: { Rules: [{ Name: 'a' }, { Name: 'b' }, { Name: 'c' }] } },
        Secret: { Type: 'AWS::SecretsManager::Secret', Properties: {} },
        Queue: { Type: 'AWS::SQS::Queue', Properties: {} },
        Starter: { Type: 'AWS::Lambda::Function', Properties: { TracingConfig: { Mode: 'PassThrough' }, Tags: [{ Key: 'amplify:friendly-name', Value: 'order-starter' }] } },
        Job: { Type: 'AWS::Lambda::Function', Properties: { TracingConfig: { Mode: 'Active' }, Tags: [{ Key: 'amplify:friendly-name', Value: 'recover-orders' }] } },
        Mapping: { Type: 'AWS::Lambda::EventSourceMapping', Properties: { EventSourceArn: { 'Fn::GetAtt': ['Queue', 'Arn'] }, FunctionName: { Ref: 'Starter' } } },
        Schedule: { Type: 'AWS::Events::Rule', Properties: { ScheduleExpression: 'rate(5 minutes)', Targets: [{ Arn: { 'Fn::GetAtt': ['Job', 'Arn'] }, Id: 'T' }] } },
        Table: { Type: 'AWS::DynamoDB::Table', Properties: {} },
        Machine: { Type: 'AWS::StepFunctions::StateMachine', Properties: {} },
      }),
      [],
    );
    expect(fixedLine(f, 'KMS', 'customer managed key')).toMatchObject({ quantity: 1, monthlyUSD: 1 });
    expect(fixedLine(f, 'KMS', 'customer managed key').what).toContain('rotated yearly');
    expect(fixedLine(f, 'WAF', 'web ACL')).toMatchObject({ quantity: 1, monthlyUSD: 5 });
    expect(fixedLine(f, 'WAF', 'rules')).toMatchObject({ quantity: 3, monthlyUSD: 3 });
    expect(fixedLine(f, 'Secrets Manager', 'secrets')).toMatchObject({ quantity: 1, unitPriceUSD: 0.4 });
    // 5 pollers long-polling 20 s each, for a 30-day month.
    const polls = fixedLine(f, 'SQS', 'order-starter event source');
    expect(polls.quantity).toBe(5 * ((30 * 86_400) / 20));
    expect(polls.monthlyUSD).toBeCloseTo(0.2592, 9);
    // Every 5 minutes: 8,640 runs; Active: each run is a trace Lambda's fixed rule records.
    expect(fixedLine(f, 'Lambda', 'recover-orders runs on rate(5 minutes)')).toMatchObject({ quantity: 8640, unitPriceUSD: PRICES.lambdaRequest });
    expect(fixedLine(f, 'X-Ray', 'recover-orders runs traced').quantity).toBeCloseTo(8640, 9);
    expect(f.totalUSD).toBeCloseTo(f.lines.reduce((s, l) => s + l.monthlyUSD, 0), 12);
    expect(f.totalUSD).toBeCloseTo(1 + 5 + 3 + 0.4 + 0.2592 + 8640 * PRICES.lambdaRequest + 8640 * PRICES.xrayTraceRecorded, 9);
    expect(f.noFixedPrice).toEqual({ 'AWS::SQS::Queue': 1, 'AWS::Lambda::Function': 2, 'AWS::DynamoDB::Table': 1, 'AWS::StepFunctions::StateMachine': 1 });
    // A PassThrough job starts no trace of its own; a disabled schedule costs nothing.
    const passThrough = fixedMonthlyCost(
      template({
        Job: { Type: 'AWS::Lambda::Function', Properties: { TracingConfig: { Mode: 'PassThrough' } } },
        Schedule: { Type: 'AWS::Events::Rule', Properties: { ScheduleExpression: 'rate(1 hour)', Targets: [{ Arn: { 'Fn::GetAtt': ['Job', 'Arn'] } }] } },
        Off: { Type: 'AWS::Events::Rule', Properties: { ScheduleExpression: 'rate(1 minute)', State: 'DISABLED', Targets: [{ Arn: { 'Fn::GetAtt': ['Job', 'Arn'] } }] } },
      }),
      [],
    );
    expect(passThrough.lines.map((l) => [l.service, l.quantity])).toEqual([['Lambda', 720]]);
    expect(scheduleRunsPerMonth('rate(1 day)')).toBe(30);
    expect(scheduleRunsPerMonth('cron(0 12 * * ? *)')).toBeUndefined();
  });

  it('reads every template it is given (root and nested) and prices nothing in an empty one', () => {
    const f = fixedMonthlyCost({ 'root.template.json': { Resources: { Nested: { Type: 'AWS::CloudFormation::Stack' } } }, 'nested.template.json': { Resources: { A: plainAlarm() } } }, []);
    expect(f.templates).toEqual(['root.template.json', 'nested.template.json']);
    expect(fixedLine(f, 'CloudWatch', 'alarm').quantity).toBe(1);
    expect(f.noFixedPrice).toEqual({ 'AWS::CloudFormation::Stack': 1 });
    expect(fixedMonthlyCost({}, [])).toMatchObject({ totalUSD: 0, lines: [], freeTier: [], freeTierAdjustedUSD: 0 });
  });
});

describe('DynamoDB write ledger', () => {
  const spec: TableSpec = {
    name: 'orders',
    keys: [ORDERS_TABLE.partitionKey],
    indexes: [
      { name: ORDERS_TABLE.customerIndex.name, partitionKey: ORDERS_TABLE.customerIndex.partitionKey, sortKey: ORDERS_TABLE.customerIndex.sortKey, projection: 'ALL' },
      { name: ORDERS_TABLE.openOrdersIndex.name, partitionKey: ORDERS_TABLE.openOrdersIndex.partitionKey, sortKey: ORDERS_TABLE.openOrdersIndex.sortKey, projection: 'KEYS_ONLY' },
      { name: ORDERS_TABLE.statusIndex.name, partitionKey: ORDERS_TABLE.statusIndex.partitionKey, sortKey: ORDERS_TABLE.statusIndex.sortKey, projection: 'ALL' },
    ],
  };
  const order = {
    orderId: { S: 'o-1' },
    customerId: { S: 'c-1' },
    orderDate: { S: '2026-11-29T07:00:00.000Z' },
    status: { S: 'PENDING' },
    openMarker: { S: 'OPEN' },
    nextStepDueAt: { S: '2026-11-29T07:00:00.000Z' },
    notes: { S: 'x'.repeat(1500) },
  };
  const statusUpdate = (to: string, final: boolean) => ({
    Key: { orderId: { S: 'o-1' } },
    UpdateExpression: final ? 'SET #status = :to, #a0 = :a0 REMOVE #open, #due' : 'SET #status = :to, #a0 = :a0, #due = :due',
    ExpressionAttributeNames: { '#status': 'status', '#a0': 'paymentDate', '#open': 'openMarker', '#due': 'nextStepDueAt' },
    ExpressionAttributeValues: { ':to': { S: to }, ':a0': { S: '2026-11-29T07:00:01.000Z' }, ':due': { S: '2026-11-29T07:00:02.000Z' } },
  });

  it('applies SET (values, if_not_exists, arithmetic), REMOVE and ADD to a copy of the item', () => {
    const after = applyUpdate(order, {
      Key: { orderId: { S: 'o-1' } },
      UpdateExpression: 'SET #s = :s, sent = if_not_exists(sent, :now), n = n + :one REMOVE openMarker ADD tries :one',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':s': { S: 'SHIPPED' }, ':now': { S: 'now' }, ':one': { N: '1' } },
    });
    expect(after.status).toEqual({ S: 'SHIPPED' });
    expect(after.sent).toEqual({ S: 'now' });
    expect(after.n).toEqual({ N: '1' });
    expect(after.tries).toEqual({ N: '1' });
    expect(after.openMarker).toBeUndefined();
    expect(order.openMarker).toEqual({ S: 'OPEN' }); // the input is not changed
    expect(applyUpdate(after, { Key: {}, UpdateExpression: 'SET sent = if_not_exists(sent, :later)', ExpressionAttributeValues: { ':later': { S: 'later' } } }).sent).toEqual({ S: 'now' });
  });

  it('applies SET and REMOVE one level into a map (a stock item\'s reservations), so its size follows them', () => {
    const stock = { productId: { S: 'prod-001' }, entry: { S: 'STOCK' }, available: { N: '10' }, reservations: { M: {} } };
    const reserve = (key: string) => ({
      Key: { productId: { S: 'prod-001' }, entry: { S: 'STOCK' } },
      UpdateExpression: 'SET reservations.#res = :res ADD available :minus',
      ExpressionAttributeNames: { '#res': key },
      ExpressionAttributeValues: { ':res': { M: { qty: { N: '2' }, at: { S: '2026-12-07T16:00:00.000Z' } } }, ':minus': { N: '-2' } },
    });
    const reserved = applyUpdate(applyUpdate(stock, reserve('order-a:1')), reserve('order-b:1'));
    expect(Object.keys(reserved.reservations!.M!)).toEqual(['order-a:1', 'order-b:1']);
    expect(reserved.available).toEqual({ N: '6' });
    const sold = applyUpdate(reserved, {
      Key: {},
      UpdateExpression: 'REMOVE reservations.#res ADD #counter :qty',
      ExpressionAttributeNames: { '#res': 'order-a:1', '#counter': 'sold' },
      ExpressionAttributeValues: { ':qty': { N: '2' } },
    });
    expect(Object.keys(sold.reservations!.M!)).toEqual(['order-b:1']);
    expect(sold.sold).toEqual({ N: '2' });
    expect(Object.keys(stock.reservations.M)).toEqual([]); // the input is not changed
  });

  it('charges a status update 2 writes on every index whose key moves, 1 to rewrite, 1 to leave', () => {
    const ledger = new WriteLedger(spec);
    ledger.record('PutItem', { Item: order }, true);
    const kb = writeUnits(itemSize(order));
    expect(kb).toBe(2);
    const keysOnly = writeUnits(itemSize({ orderId: order.orderId, openMarker: order.openMarker, nextStepDueAt: order.nextStepDueAt }));
    expect(ledger.totals.tableUnits).toBe(kb);
    expect(ledger.totals.indexes.CustomerIndex).toMatchObject({ puts: 1, units: kb });
    expect(ledger.totals.indexes.OpenOrdersDueIndex).toMatchObject({ puts: 1, units: keysOnly });

    ledger.record('UpdateItem', statusUpdate('PAYMENT_PROCESSED', false), true);
    const afterUpdate = ledger.get({ orderId: order.orderId })!;
    const size = writeUnits(itemSize(afterUpdate));
    expect(ledger.totals.tableUnits).toBe(kb + size);
    expect(ledger.totals.indexes.CustomerIndex).toMatchObject({ rewrites: 1, units: kb + size }); // key unchanged, attributes changed
    expect(ledger.totals.indexes.StatusDateIndex).toMatchObject({ moves: 1, units: kb + kb + size }); // status is its partition key
    expect(ledger.totals.indexes.OpenOrdersDueIndex).toMatchObject({ moves: 1, units: keysOnly * 3 }); // nextStepDueAt moved: delete + put

    ledger.record('UpdateItem', statusUpdate('DELIVERED', true), true);
    expect(ledger.totals.indexes.OpenOrdersDueIndex).toMatchObject({ deletes: 1, units: keysOnly * 4 }); // a final status leaves the index
    expect(ledger.get({ orderId: order.orderId })!.openMarker).toBeUndefined();

    // A refused conditional write costs the item's size on the table and nothing on the indexes.
    const before = structuredClone(ledger.totals);
    ledger.record('UpdateItem', statusUpdate('SHIPPED', false), false);
    expect(ledger.totals.failedConditionalWrites).toBe(1);
    expect(ledger.totals.tableUnits).toBeGreaterThan(before.tableUnits);
    expect(ledger.totals.indexes).toEqual(before.indexes);
    expect(ledger.mismatches([ledger.get({ orderId: order.orderId })!])).toBe(0);
  });
});

describe('deployment read from the backend source', () => {
  it('finds an Express workflow, its log level, arm64 functions and a sampling rule', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'cloud-config-'));
    try {
      mkdirSync(path.join(root, 'amplify', 'cloud'), { recursive: true });
      mkdirSync(path.join(root, 'amplify', 'functions', 'app-server'), { recursive: true });
      writeFileSync(path.join(root, 'amplify', 'backend.ts'), '');
      writeFileSync(path.join(root, 'amplify', 'cloud', 'workflow.ts'), "new sfn.StateMachine(this, 'W', { stateMachineType: sfn.StateMachineType.EXPRESS, logs: { level: sfn.LogLevel.ERROR } });");
      writeFileSync(path.join(root, 'amplify', 'cloud', 'functions.ts'), 'fn.architecture = lambda.Architecture.ARM_64; new xray.CfnSamplingRule(this, "R", { samplingRule: { reservoirSize: 0, fixedRate: 0.02 } });');
      writeFileSync(path.join(root, 'amplify', 'functions', 'app-server', 'resource.ts'), '');
      const config = readCloudConfig(root, {});
      expect(config).toMatchObject({ workflowType: 'EXPRESS', workflowLogLevel: 'ERROR', lambdaArchitecture: 'arm64' });
      expect(config.xraySampling).toMatchObject({ reservoirPerSecond: 0, fixedRate: 0.02 });
      expect(readCloudConfig(root, { BENCH_WORKFLOW_TYPE: 'standard' }).workflowType).toBe('STANDARD');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("reads the API stage's rule from a constant it uses, and leaves the API on the default rule when the rule matches something else", () => {
    const root = mkdtempSync(path.join(tmpdir(), 'cloud-config-'));
    try {
      mkdirSync(path.join(root, 'amplify', 'cloud'), { recursive: true });
      mkdirSync(path.join(root, 'amplify', 'functions'), { recursive: true });
      writeFileSync(path.join(root, 'amplify', 'backend.ts'), '');
      writeFileSync(path.join(root, 'amplify', 'cloud', 'workflow.ts'), 'new sfn.StateMachine(this, "W", { stateMachineType: sfn.StateMachineType.EXPRESS });');
      // tracing.ts's shape: one rule, matched to the stage by its ARN, its numbers in a constant.
      const tracing = (serviceType: string) =>
        `export const TRACE_SAMPLING = { reservoirSize: 0, fixedRate: 0.05 } as const;
         new xray.CfnSamplingRule(this, 'ApiRule', { samplingRule: { reservoirSize: TRACE_SAMPLING.reservoirSize, fixedRate: TRACE_SAMPLING.fixedRate, serviceName: '*', serviceType: '${serviceType}', resourceArn: stage.stageArn } });`;
      writeFileSync(path.join(root, 'amplify', 'cloud', 'tracing.ts'), tracing('AWS::ApiGateway::Stage'));
      const config = readCloudConfig(root, {});
      expect(config.xraySampling).toMatchObject({ reservoirPerSecond: 0, fixedRate: 0.05, rule: 'CfnSamplingRule (AWS::ApiGateway::Stage) in amplify/cloud/tracing.ts' });
      expect(config).not.toHaveProperty('workflowSampling');
      writeFileSync(path.join(root, 'amplify', 'cloud', 'tracing.ts'), tracing('AWS::StepFunctions::StateMachine'));
      const other = readCloudConfig(root, {});
      expect(other.xraySampling).toEqual(XRAY_DEFAULT_SAMPLING);
      expect(other.sources.xraySampling).toMatch(/not the API stage/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("reads this repository's backend", () => {
    const config = readCloudConfig(path.resolve(import.meta.dirname, '../..'), {});
    expect(['STANDARD', 'EXPRESS']).toContain(config.workflowType);
    expect(config.sources.workflowType).toMatch(/^amplify\/cloud\//);
  });
});

// ---------------------------------------------------------------- the whole monthly bill (issue 29)

describe('browser requests and the CPU a 128 MB function gets', () => {
  const options = { accessLogLineBytes: 250 };
  const crossOrigin = { apiViaCloudFront: false, corsMaxAgeSeconds: 600, source: 'test' };
  const viaCloudFront = { apiViaCloudFront: true, corsMaxAgeSeconds: 600, source: 'test' };

  it('counts a preflight before each POST and before each order URL, again when the preflight cache expires', () => {
    const c = counts();
    expect(corsPreflights(c, 600)).toEqual({ post: 10, get: 10 });
    // A page watched 25 minutes re-asks every 10 minutes: 3 per URL.
    expect(corsPreflights({ ...c, watchSeconds: { mean: 1500 } }, 600)).toEqual({ post: 10, get: 30 });
    // Chromium caps the cache at 2 hours, whatever the API says; never more preflights than GETs.
    expect(corsPreflights({ ...c, watchSeconds: { mean: 3 * 3600 } }, 86_400)).toEqual({ post: 10, get: 20 });
    expect(corsPreflights({ ...c, watchSeconds: { mean: 1e6 } }, 1)).toEqual({ post: 10, get: 40 });
    // Orders no page polled have no GET preflight.
    expect(corsPreflights({ ...c, apiRequests: { post: 10, get: 4, other: 0 }, pollsPerOrder: { mean: 0.4, min: 0, max: 1 } }, 600).get).toBe(4);
  });

  it('prices preflights as API Gateway requests (logged and traced), or CloudFront requests when the API is same-origin', () => {
    const c = counts();
    const node = computeCost(c, deployment(), options);
    const cross = computeCost(c, deployment(), { ...options, browser: crossOrigin });
    const cdn = computeCost(c, deployment(), { ...options, browser: viaCloudFront });
    expect(line(cross, 'API Gateway', 'CORS preflights').perOrder).toBeCloseTo(20 / 10, 9);
    expect(line(cross, 'API Gateway', 'CORS preflights').per100kUSD).toBeCloseTo(2 * PRICES.apiGatewayRestRequest * 1e5, 9);
    expect(line(cross, 'API Gateway', 'REST requests').perOrder).toBe(line(node, 'API Gateway', 'REST requests').perOrder);
    expect(line(cross, 'CloudWatch Logs', 'API access log').perOrder).toBeCloseTo((70 * (250 + 26)) / 1024 ** 3 / 10, 15);
    expect(cross.perOrder.corsPreflights).toBe(2);
    expect(cdn.breakdown.some((l) => l.what.startsWith('CORS preflights'))).toBe(false);
    expect(node.breakdown.some((l) => l.what.startsWith('CORS preflights') || l.service === 'CloudFront')).toBe(false);
    expect(line(cdn, 'CloudFront', 'API requests').per100kUSD).toBeCloseTo(5 * PRICES.cloudFrontHttpsRequest * 1e5, 9);
    expect(PRICES.cloudFrontHttpsRequest * 1e4).toBeCloseTo(0.01, 12); // $0.0100 per 10,000
    // The lever exists only while preflights are paid, and saves what the CloudFront path does not pay.
    const lever = (f: typeof cross) => f.levers.find((l) => l.name.startsWith("API through the storefront's CloudFront"));
    expect(lever(cdn)).toBeUndefined();
    expect(lever(cross)!.savesPer100kUSD).toBeGreaterThan(0);
    expect(cdn.per100kOrdersUSD).toBeLessThan(cross.per100kOrdersUSD);
  });

  it('divides in-process Lambda time by the CPU share of the memory (1,769 MB = 1 vCPU), and Express waits that long for its tasks', () => {
    expect(LAMBDA_MB_PER_VCPU).toBe(1769);
    expect(cpuShare(128)).toBeCloseTo(0.0724, 4);
    expect(cpuShare(1769)).toBe(1);
    expect(cpuShare(3538)).toBe(1); // a single-threaded handler gains nothing past one vCPU
    expect(cloudDurationMs(20, 128)).toBeCloseTo(20 * (1769 / 128), 9);
    const c = counts();
    const whole = computeCost(c, deployment({ workflowType: 'EXPRESS' }), options);
    const share = computeCost(c, deployment({ workflowType: 'EXPRESS' }), { ...options, cloudCpu: true });
    // app-server: 20 ms sequential -> ceil(20 / (128 / 1769)) = 277 ms at 128 MB.
    expect(line(share, 'Lambda', 'app-server GB-s').perOrder).toBeCloseTo((50 * 0.277 * (128 / 1024)) / 10, 9);
    expect(line(share, 'Lambda', 'app-server GB-s').what).toContain('/ 0.072 vCPU = 277 ms');
    expect(line(whole, 'Lambda', 'app-server GB-s').perOrder).toBeCloseTo((50 * 0.02 * (128 / 1024)) / 10, 9);
    // Express: each execution also waits for its process-order tasks at that share: (37 - 9 scheduled) / 10 tasks x 119.2 ms x (1769/128 - 1).
    const waitMs = 2.8 * (119.2 * (1769 / 128) - 119.2);
    const billed = (expressBilledSeconds(701 + waitMs) + expressBilledSeconds(1100 + waitMs)) / 2;
    expect(line(share, 'Step Functions', 'Express duration').perOrder).toBeCloseTo((billed * 10 * (64 / 1024)) / 10, 9);
    expect(share.per100kOrdersUSD).toBeGreaterThan(whole.per100kOrdersUSD);
  });

  it('prices the EMF metric lines the run counted at their bytes plus 26 per event', () => {
    const c = counts({ metricLines: { 'app-server': { bytes: 10 * 300, events: 10 }, 'process-order': { bytes: 37 * 320, events: 37 } } });
    const f = computeCost(c, deployment(), options);
    expect(line(f, 'CloudWatch Logs', 'Powertools EMF').perOrder).toBeCloseTo((3000 + 37 * 320 + 47 * 26) / 1024 ** 3 / 10, 15);
    expect(line(f, 'CloudWatch Logs', 'Powertools EMF').what).toContain('4.70 lines/order');
    expect(f.perOrder.metricLines).toBeCloseTo(4.7, 9);
    expect(computeCost(counts(), deployment(), options).breakdown.some((l) => l.what.startsWith('Powertools EMF'))).toBe(false);
  });
});

describe('the whole monthly bill', () => {
  type Resources = NonNullable<CfnTemplate['Resources']>;
  const s3Origin = { Id: 'SiteOrigin', DomainName: { 'Fn::GetAtt': ['Bucket', 'RegionalDomainName'] }, S3OriginConfig: { OriginAccessIdentity: '' } };
  // What CDK's RestApiOrigin writes: the host cut out of the API's URL.
  const apiDomain = { 'Fn::Select': [2, { 'Fn::Split': ['/', { 'Fn::Join': ['', ['https://', { Ref: 'OrdersApi' }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/', { Ref: 'Stage' }, '/']] }] }] };
  const distribution = (origins: unknown[], behaviors: unknown[] = []): Resources => ({
    Cdn: { Type: 'AWS::CloudFront::Distribution', Properties: { DistributionConfig: { DefaultCacheBehavior: { TargetOriginId: 'SiteOrigin' }, Origins: origins, ...(behaviors.length ? { CacheBehaviors: behaviors } : {}) } } },
  });

  it('reads from the template whether the API is behind the storefront distribution (preflights or not)', () => {
    const cross = apiPathFromTemplates({ 'orders.json': { Resources: distribution([s3Origin]) } });
    expect(cross.apiViaCloudFront).toBe(false);
    expect(cross.reason).toMatch(/cross-origin/);
    const same = apiPathFromTemplates({ 'orders.json': { Resources: distribution([s3Origin, { Id: 'ApiOrigin', DomainName: apiDomain, OriginPath: '' }], [{ PathPattern: '/prod/*', TargetOriginId: 'ApiOrigin', CachePolicyId: '4135ea2d' }]) } });
    expect(same).toMatchObject({ apiViaCloudFront: true, behaviors: ['Cdn /prod/*'] });
    // An API origin no behavior uses, or a behavior to another origin, is still cross-origin.
    expect(apiPathFromTemplates({ 'o.json': { Resources: distribution([s3Origin, { Id: 'ApiOrigin', DomainName: apiDomain }]) } }).apiViaCloudFront).toBe(false);
    expect(apiPathFromTemplates({ 'o.json': { Resources: distribution([s3Origin, { Id: 'ApiOrigin', DomainName: apiDomain }], [{ PathPattern: '/img/*', TargetOriginId: 'SiteOrigin' }]) } }).apiViaCloudFront).toBe(false);
    expect(apiPathFromTemplates({}).reason).toMatch(/no CloudFront distribution/);
    // The API in another nested stack: its domain reaches the distribution's stack as a parameter.
    const nested = apiPathFromTemplates({
      'root.json': {
        Resources: {
          Api: { Type: 'AWS::CloudFormation::Stack', Metadata: { 'aws:asset:path': 'api.json' } },
          Site: { Type: 'AWS::CloudFormation::Stack', Properties: { Parameters: { apiDomainParam: { 'Fn::GetAtt': ['Api', 'Outputs.ApiDomain'] } } } },
        },
      },
      'api.json': { Outputs: { ApiDomain: { Value: apiDomain } } },
      'site.json': { Parameters: { apiDomainParam: { Type: 'String' } }, Resources: distribution([s3Origin, { Id: 'ApiOrigin', DomainName: { Ref: 'apiDomainParam' } }], [{ PathPattern: '/prod/*', TargetOriginId: 'ApiOrigin' }]) },
    });
    expect(nested.apiViaCloudFront).toBe(true);
  });

  it("reads the API's per-request extras from the template: a web ACL on the stage, a function on the API behavior, the page function", () => {
    const apiOrigin = { Id: 'ApiOrigin', DomainName: apiDomain };
    const plain = apiPathFromTemplates({ 'o.json': { Resources: distribution([s3Origin, apiOrigin], [{ PathPattern: '/prod/*', TargetOriginId: 'ApiOrigin' }]) } });
    expect(plain).toMatchObject({ webAclOnApi: false, functionOnApi: false });
    const guarded = apiPathFromTemplates({
      'o.json': {
        Resources: {
          ...distribution([s3Origin, apiOrigin], [{ PathPattern: '/prod/*', TargetOriginId: 'ApiOrigin', FunctionAssociations: [{ EventType: 'viewer-request', FunctionARN: 'f' }] }]),
          Stage: { Type: 'AWS::WAFv2::WebACLAssociation', Properties: { ResourceArn: { 'Fn::Join': ['', ['arn:aws:apigateway:', { Ref: 'AWS::Region' }, '::/restapis/', { Ref: 'Api' }, '/stages/prod']] } } },
        },
      },
    });
    expect(guarded).toMatchObject({ webAclOnApi: true, functionOnApi: true });
    // A web ACL on the user pool only is not the API's.
    const poolOnly = { Pool: { Type: 'AWS::WAFv2::WebACLAssociation', Properties: { ResourceArn: { 'Fn::GetAtt': ['UserPool', 'Arn'] } } } };
    expect(apiPathFromTemplates({ 'o.json': { Resources: { ...distribution([s3Origin]), ...poolOnly } } }).webAclOnApi).toBe(false);
    expect(defaultBehaviorHasFunction({ 'o.json': { Resources: distribution([s3Origin]) } })).toBe(false);
    const withPageFunction: Resources = {
      Cdn: { Type: 'AWS::CloudFront::Distribution', Properties: { DistributionConfig: { DefaultCacheBehavior: { TargetOriginId: 'SiteOrigin', FunctionAssociations: [{ EventType: 'viewer-request' }] }, Origins: [s3Origin] } } },
    };
    expect(defaultBehaviorHasFunction({ 'o.json': { Resources: withPageFunction } })).toBe(true);
  });

  it("reads the user pool's plan from UserPoolTier; none set is Essentials", () => {
    expect(userPoolPlans({ 'auth.json': { Resources: { Pool: { Type: 'AWS::Cognito::UserPool', Properties: { UserPoolTier: 'LITE' } } } } })).toEqual([{ pool: 'Pool', plan: 'LITE', source: 'template' }]);
    expect(userPoolPlans({ 'auth.json': { Resources: { Pool: { Type: 'AWS::Cognito::UserPool', Properties: {} } } } })).toEqual([{ pool: 'Pool', plan: 'ESSENTIALS', source: 'default' }]);
    expect([COGNITO_PLANS.LITE.mau.usd, COGNITO_PLANS.ESSENTIALS.mau.usd, COGNITO_PLANS.PLUS.mau.usd]).toEqual([0.0055, 0.015, 0.02]);
    expect([COGNITO_PLANS.LITE.freeMau, COGNITO_PLANS.ESSENTIALS.freeMau, COGNITO_PLANS.PLUS.freeMau]).toEqual([10_000, 10_000, 0]);
  });

  it('counts the customers\u2019 e-mails by kind when the outbox has kinds, else models them on the outcomes', () => {
    // 9 delivered x (confirmed, shipped, delivered) + 1 declined.
    expect(customerEmails(counts()).perOrder).toBeCloseTo(2.8, 9);
    expect(customerEmails(counts({ emailsByKind: { 'order-confirmed': 9, 'order-shipped': 9, 'payment-declined': 1 } })).perOrder).toBeCloseTo(1.9, 9);
    expect(emailsByKind([{ subject: 'a' }, { subject: 'b' }])).toBeUndefined();
    expect(emailsByKind([{ kind: 'order-shipped' }, { kind: 'order-shipped' }, { kind: 'order-confirmed' }])).toEqual({ 'order-shipped': 2, 'order-confirmed': 1 });
  });

  it('takes a returning visit as the first one less the hashed assets; the pictures only after a day', () => {
    const req = (path: string, bytes: number): VisitRequest => ({ path, status: 200, bytes, headerBytes: 200 });
    const first = uniqueByPath([req('/', 1000), req('/assets/index-abc.js', 50_000), req('/assets/index-abc.css', 5000), req('/favicon.svg', 600), req('/favicon.svg', 600), req('/products/prod-001.svg', 900)]);
    expect(visitLoad(first)).toMatchObject({ requests: 5, bytes: 57_500 });
    expect(returningVisit(first)).toEqual({ requests: 1, bytes: 200, files: ['/'] });
    expect(returningVisit(first, true)).toEqual({ requests: 3, bytes: 600, files: ['/', '/favicon.svg', '/products/prod-001.svg'] });
    expect(returningVisit([req('/', 1), req('/amplify_outputs.json', 1)]).requests).toBe(2);
  });

  it('reads the scenario from the environment and refuses figures that cannot be', () => {
    expect(scenarioFromEnv({})).toEqual(DEFAULT_SCENARIO);
    expect(DEFAULT_SCENARIO).toMatchObject({ ordersPerMonth: 100_000, customers: 60_000, signedInCustomers: 30_000, storefrontVisits: 4_000_000 });
    expect(scenarioFromEnv({ BENCH_SCENARIO_VISITS: '2_000_000', BENCH_SCENARIO_MAU: '5000', BENCH_SCENARIO_FIRST_VISIT_SHARE: '0.25' })).toMatchObject({ storefrontVisits: 2_000_000, signedInCustomers: 5000, firstVisitShare: 0.25 });
    expect(() => scenarioFromEnv({ BENCH_SCENARIO_FIRST_VISIT_SHARE: '1.5' })).toThrow(/BENCH_SCENARIO_FIRST_VISIT_SHARE/);
    expect(() => scenarioFromEnv({ BENCH_SCENARIO_VISITS: 'many' })).toThrow(/BENCH_SCENARIO_VISITS/);
    expect(() => scenarioFromEnv({ BENCH_SCENARIO_MAU: '70000' })).toThrow(/exceeds/);
  });

  it('adds up per order, per monthly active user, per visit and fixed lines; free tiers apart', () => {
    const c = counts();
    const perOrder = computeCost(c, deployment({ workflowType: 'EXPRESS' }), { accessLogLineBytes: 250, browser: { apiViaCloudFront: false, corsMaxAgeSeconds: 600, source: 'test' }, cloudCpu: true });
    const visit: VisitFigures = {
      first: { requests: 15, bytes: 200 * 1024, files: [] },
      returning: { requests: 1, bytes: 400, files: ['/'] },
      returningAfterADay: { requests: 3, bytes: 1200, files: [] },
      method: 'test',
      offSite: [],
    };
    const fixed = fixedMonthlyCost({ 's.json': { Resources: { Key: { Type: 'AWS::KMS::Key', Properties: {} }, Board: { Type: 'AWS::CloudWatch::Dashboard', Properties: {} } } } }, []);
    const plans = [{ pool: 'Pool', plan: 'LITE' as const, source: 'template' as const }];
    const bill = monthlyBill({ scenario: DEFAULT_SCENARIO, perOrder, counts: c, fixed, plans, visit });
    expect(bill.totalUSD).toBeCloseTo(bill.lines.reduce((s, l) => s + l.monthlyUSD, 0), 9);
    expect(Object.values(bill.byKind).reduce((s, v) => s + v, 0)).toBeCloseTo(bill.totalUSD, 9);
    expect(Object.values(bill.byService).reduce((s, v) => s + v, 0)).toBeCloseTo(bill.totalUSD, 9);
    for (const l of bill.lines) expect(l.monthlyUSD).toBeCloseTo(l.quantity * l.unitPriceUSD, 9);
    // Per order: the per-order model x 1 (100,000 orders) + SES e-mails + storage.
    const ses = bill.lines.find((l) => l.service === 'SES')!;
    expect(ses.monthlyUSD).toBeCloseTo(2.8 * 100_000 * 0.0001, 9); // $28
    const modelled = bill.lines.filter((l) => l.kind === 'per order' && l.service !== 'SES' && !l.what.startsWith('storage of')).reduce((s, l) => s + l.monthlyUSD, 0);
    expect(modelled).toBeCloseTo(perOrder.per100kOrdersUSD, 9);
    // Per MAU: 30,000 x Lite; the first 10,000 free, apart.
    expect(bill.byKind['per monthly active user']).toBeCloseTo(30_000 * 0.0055, 9);
    expect(bill.freeTier.find((f) => f.what.startsWith('Cognito'))!.monthlyUSD).toBeCloseTo(10_000 * 0.0055, 9);
    // Per visit: 4 M x (0.4 x 15 + 0.6 x 1) = 26.4 M requests; bytes likewise.
    const requests = bill.lines.find((l) => l.what.startsWith('storefront HTTPS requests'))!;
    expect(requests.quantity).toBeCloseTo(4e6 * (0.4 * 15 + 0.6 * 1), 3);
    expect(requests.monthlyUSD).toBeCloseTo(26.4, 9);
    const out = bill.lines.find((l) => l.what.startsWith('storefront data transfer out'))!;
    expect(out.quantity).toBeCloseTo((4e6 * (0.4 * 200 * 1024 + 0.6 * 400)) / 1024 ** 3, 9);
    expect(out.unitPriceUSD).toBe(0.085);
    // CloudFront's free 10 M requests (storefront and API together) and 1 TB, apart.
    expect(bill.freeTier.find((f) => f.what.includes('10 million requests'))!.monthlyUSD).toBeCloseTo(10, 9);
    expect(bill.freeTier.find((f) => f.what.includes('1 TB'))!.monthlyUSD).toBeCloseTo(out.monthlyUSD, 9);
    // Fixed: the synthesized lines as they are.
    expect(bill.byKind['fixed per deployment']).toBeCloseTo(fixed.totalUSD, 9);
    expect(bill.freeTierAdjustedUSD).toBeCloseTo(bill.totalUSD - bill.freeTier.reduce((s, f) => s + f.monthlyUSD, 0), 9);
    // Sensitivities are linear: MAU +50% adds 15,000 x Lite; Essentials instead adds 30,000 x (0.015 - 0.0055).
    expect(bill.sensitivities.find((x) => x.name.startsWith('monthly active users +50%'))!.deltaUSD).toBeCloseTo(15_000 * 0.0055, 9);
    expect(bill.sensitivities.find((x) => x.name === 'user pool on the ESSENTIALS plan')!.deltaUSD).toBeCloseTo(30_000 * (0.015 - 0.0055), 9);
    expect(bill.sensitivities.find((x) => x.name.startsWith('conversion halved'))!.deltaUSD).toBeCloseTo(bill.byKind['per storefront visit'], 9);
    // No pool found: AWS's default plan, Essentials.
    expect(monthlyBill({ scenario: DEFAULT_SCENARIO, perOrder, counts: c, plans: [] }).byKind['per monthly active user']).toBeCloseTo(30_000 * 0.015, 9);
  });
});
