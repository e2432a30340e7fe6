/**
 * The whole monthly bill (issue 29, `cost.monthly`): everything AWS charges a shop for one month of
 * the scenario, by service and by kind:
 *
 *   per order                  the per-order model (cost.ts) on the run's counts, scaled to the
 *                              scenario's orders, and the customers' e-mails (SES, issue 21)
 *   per monthly active user    Cognito at the user pool's plan (`UserPoolTier` of the template)
 *   per storefront visit       CloudFront requests and bytes out, from the built site (visit.ts)
 *   fixed per deployment       fixed-monthly.ts, from the synthesized template
 *
 * Free tiers (per account, shared with everything else in it) are shown apart, never in `totalUSD`.
 * Everything here is a pure function of its inputs (the run's counts, the templates, the visit's
 * measurement, the scenario) and is unit-tested in tests/unit/costs.test.ts.
 */
import { RUNTIME_OUTPUTS_FILE } from '../amplify/domain/outputs.ts';
import { COGNITO_PLANS, PRICE_LIST, PRICES, type CognitoPlan } from './aws-prices.ts';
import type { CostFigures } from './cost.ts';
import type { CostCounts } from './cost-scenario.ts';
import type { CfnTemplate, FixedMonthly } from './fixed-monthly.ts';

const GB = 1024 ** 3;

// ---------------------------------------------------------------- the scenario

export interface Scenario {
  ordersPerMonth: number;
  /** Distinct customers who order in the month. */
  customers: number;
  /** Of them, signed in: Cognito's monthly active users (the rest check out as guests, issue 19). */
  signedInCustomers: number;
  storefrontVisits: number;
  /** Share of visits that are a browser's first (nothing cached); the rest come back with the hashed assets cached. */
  firstVisitShare: number;
  /** Months of orders the tables hold (storage is billed on what is kept). */
  monthsOfOrdersKept: number;
}

export const DEFAULT_SCENARIO: Scenario = {
  ordersPerMonth: 100_000,
  customers: 60_000,
  signedInCustomers: 30_000,
  storefrontVisits: 4_000_000,
  firstVisitShare: 0.4,
  monthsOfOrdersKept: 12,
};

/** The environment variable of each scenario figure (docs/cost.md, "Your own numbers"). */
export const SCENARIO_ENV: Record<keyof Scenario, string> = {
  ordersPerMonth: 'BENCH_SCENARIO_ORDERS',
  customers: 'BENCH_SCENARIO_CUSTOMERS',
  signedInCustomers: 'BENCH_SCENARIO_MAU',
  storefrontVisits: 'BENCH_SCENARIO_VISITS',
  firstVisitShare: 'BENCH_SCENARIO_FIRST_VISIT_SHARE',
  monthsOfOrdersKept: 'BENCH_SCENARIO_MONTHS_KEPT',
};

/** The scenario with any figure the environment sets (a positive number; a share within 0..1). */
export function scenarioFromEnv(env: NodeJS.ProcessEnv = process.env): Scenario {
  const out = { ...DEFAULT_SCENARIO };
  for (const [key, name] of Object.entries(SCENARIO_ENV) as [keyof Scenario, string][]) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const value = Number(raw.replace(/[_,]/g, ''));
    if (!Number.isFinite(value) || value < 0 || (key === 'firstVisitShare' && value > 1)) throw new Error(`${name}=${raw}: not a valid figure`);
    out[key] = value;
  }
  if (out.signedInCustomers > out.customers) throw new Error(`${SCENARIO_ENV.signedInCustomers} (${out.signedInCustomers}) exceeds ${SCENARIO_ENV.customers} (${out.customers})`);
  return out;
}

export const conversion = (s: Scenario) => (s.storefrontVisits > 0 ? s.ordersPerMonth / s.storefrontVisits : 0);

// ---------------------------------------------------------------- read from the templates

interface Located {
  file: string;
  value: unknown;
}

/**
 * A template value as text, with each `Ref` to a nested stack's parameter replaced by what its
 * parent passes, and each `Fn::GetAtt [<stack>, Outputs.<name>]` by that stack's output (so a
 * domain name built in another nested stack still reads as `...execute-api...`). Depth-limited.
 */
export function resolvedText(value: Located, templates: Record<string, CfnTemplate>, depth = 4): string {
  let text = JSON.stringify(value.value ?? null);
  if (depth <= 0) return text;
  const own = templates[value.file];
  for (const param of Object.keys(own?.Parameters ?? {})) {
    if (!text.includes(`{"Ref":"${param}"}`)) continue;
    for (const [file, t] of Object.entries(templates)) {
      for (const r of Object.values(t.Resources ?? {})) {
        const passed = r.Type === 'AWS::CloudFormation::Stack' ? r.Properties?.Parameters?.[param] : undefined;
        if (passed !== undefined) text = text.split(`{"Ref":"${param}"}`).join(resolvedText({ file, value: passed }, templates, depth - 1));
      }
    }
  }
  for (const m of text.matchAll(/\{"Fn::GetAtt":\["([^"]+)","Outputs\.([^"]+)"\]\}/g)) {
    const stack = own?.Resources?.[m[1]!];
    const nestedFile = stack?.Metadata?.['aws:asset:path'];
    const output = typeof nestedFile === 'string' ? templates[nestedFile]?.Outputs?.[m[2]!]?.Value : undefined;
    if (output !== undefined) text = text.split(m[0]).join(resolvedText({ file: nestedFile as string, value: output }, templates, depth - 1));
  }
  return text;
}

export interface ApiPath {
  /** True when a distribution has a cache behavior whose origin is the API (same origin for the storefront: no CORS preflight). */
  apiViaCloudFront: boolean;
  /** A WAF web ACL is associated with the API stage: it inspects (and bills) every API request. */
  webAclOnApi: boolean;
  /** The API's behavior runs a CloudFront Function on each request (viewer request). */
  functionOnApi: boolean;
  /** The behaviors found (`<distribution> <PathPattern>`). */
  behaviors: string[];
  /** Why, in a sentence. */
  reason: string;
}

/**
 * Whether the storefront reaches the API through its own CloudFront distribution: a
 * `DistributionConfig.CacheBehaviors` entry (e.g. `PathPattern: /prod/*`) whose `TargetOriginId`
 * is an origin whose `DomainName` is the API's (`...execute-api...`, references resolved).
 */
export function apiPathFromTemplates(templates: Record<string, CfnTemplate>): ApiPath {
  const behaviors: string[] = [];
  let distributions = 0;
  let functionOnApi = false;
  const webAclOnApi = Object.values(templates).some((t) =>
    Object.values(t.Resources ?? {}).some((r) => r.Type === 'AWS::WAFv2::WebACLAssociation' && JSON.stringify(r.Properties?.ResourceArn ?? '').includes('/stages/')),
  );
  for (const [file, t] of Object.entries(templates)) {
    for (const [id, r] of Object.entries(t.Resources ?? {})) {
      if (r.Type !== 'AWS::CloudFront::Distribution') continue;
      distributions += 1;
      const config = r.Properties?.DistributionConfig ?? {};
      const origins: Record<string, any>[] = Array.isArray(config.Origins) ? config.Origins : [];
      const apiOrigins = new Set(origins.filter((o) => /execute-api/.test(resolvedText({ file, value: o.DomainName }, templates))).map((o) => JSON.stringify(o.Id)));
      const cacheBehaviors: Record<string, any>[] = Array.isArray(config.CacheBehaviors) ? config.CacheBehaviors : [];
      for (const b of cacheBehaviors) {
        if (!apiOrigins.has(JSON.stringify(b.TargetOriginId))) continue;
        behaviors.push(`${id} ${String(b.PathPattern)}`);
        if (Array.isArray(b.FunctionAssociations) && b.FunctionAssociations.length > 0) functionOnApi = true;
      }
    }
  }
  return {
    apiViaCloudFront: behaviors.length > 0,
    webAclOnApi,
    functionOnApi,
    behaviors,
    reason:
      behaviors.length > 0
        ? `the template's distribution routes ${behaviors.join(', ')} to the API origin`
        : distributions === 0
          ? 'the template has no CloudFront distribution: the API is cross-origin'
          : `no cache behavior of the template's ${distributions === 1 ? 'distribution' : `${distributions} distributions`} has the API (execute-api) as its origin: the API is cross-origin`,
  };
}

export interface UserPoolPlan {
  pool: string;
  plan: CognitoPlan;
  /** `template` when UserPoolTier is set; `default` when AWS decides (Essentials). */
  source: 'template' | 'default';
}

/** Each user pool's feature plan: its `UserPoolTier`, else Essentials (AWS's default for a pool created since 2024-11-22). */
/** Whether a distribution's default behavior has a CloudFront Function association. */
export function defaultBehaviorHasFunction(templates: Record<string, CfnTemplate>): boolean {
  return Object.values(templates).some((t) =>
    Object.values(t.Resources ?? {}).some((r) => {
      if (r.Type !== 'AWS::CloudFront::Distribution') return false;
      const associations = r.Properties?.DistributionConfig?.DefaultCacheBehavior?.FunctionAssociations;
      return Array.isArray(associations) && associations.length > 0;
    }),
  );
}

export function userPoolPlans(templates: Record<string, CfnTemplate>): UserPoolPlan[] {
  const out: UserPoolPlan[] = [];
  for (const t of Object.values(templates)) {
    for (const [id, r] of Object.entries(t.Resources ?? {})) {
      if (r.Type !== 'AWS::Cognito::UserPool') continue;
      const tier = r.Properties?.UserPoolTier;
      out.push(typeof tier === 'string' && tier in COGNITO_PLANS ? { pool: id, plan: tier as CognitoPlan, source: 'template' } : { pool: id, plan: 'ESSENTIALS', source: 'default' });
    }
  }
  return out;
}

// ---------------------------------------------------------------- e-mails

/** The customer e-mail kinds issue 21 sends that the model counts per order outcome. */
export const EMAILS_PER_OUTCOME = { DELIVERED: ['order-confirmed', 'order-shipped', 'order-delivered'], PAYMENT_FAILED: ['payment-declined'] } as const;

export interface CustomerEmails {
  /** E-mails per order. */
  perOrder: number;
  source: string;
}

/**
 * The customers' e-mails per order: the run's own count by kind when its outbox records carry one
 * (issue 21 built); else modelled on the run's outcomes as issue 21 sends them: confirmed + shipped +
 * delivered for each delivered order, declined for each declined one.
 */
export function customerEmails(c: Pick<CostCounts, 'orders' | 'statuses' | 'mails' | 'emailsByKind'>): CustomerEmails {
  if (c.emailsByKind && Object.keys(c.emailsByKind).length > 0) {
    const total = Object.values(c.emailsByKind).reduce((s, v) => s + v, 0);
    return { perOrder: total / c.orders, source: `counted in the run's outbox by kind (${Object.entries(c.emailsByKind).map(([k, v]) => `${k} ${v}`).join(', ')})` };
  }
  const delivered = c.statuses.DELIVERED ?? 0;
  const declined = c.statuses.PAYMENT_FAILED ?? 0;
  const total = delivered * EMAILS_PER_OUTCOME.DELIVERED.length + declined * EMAILS_PER_OUTCOME.PAYMENT_FAILED.length;
  return {
    perOrder: total / c.orders,
    source: `modelled on the run's outcomes as issue 21 sends them (${delivered} delivered x 3: confirmed, shipped, delivered; ${declined} declined x 1); the run's outbox holds no e-mail kinds yet (${c.mails} topic publishes for ${c.orders} orders)`,
  };
}

// ---------------------------------------------------------------- a storefront visit

/** One response the built catalog page's load received (visit.ts, Chromium). */
export interface VisitRequest {
  path: string;
  status: number;
  /** Bytes over the wire: response headers + (encoded) body. */
  bytes: number;
  /** Of which headers (what a 304 costs). */
  headerBytes: number;
}

export interface VisitLoad {
  requests: number;
  bytes: number;
  files: string[];
}

export interface VisitFigures {
  first: VisitLoad;
  /** Within a day of the last visit: only the page revalidated. */
  returning: VisitLoad;
  /** More than a day later: the pictures and the icon revalidated too. */
  returningAfterADay: VisitLoad;
  /** How it was measured (page, browser, viewport, what was not counted). */
  method: string;
  /** Requests to other hosts during the load (aborted; Cognito and others bill no CloudFront). */
  offSite: string[];
}

/** Hashed bundles under `assets/`: cached for a year (amplify/cloud/storefront-buckets.ts STOREFRONT_CACHING.hashedAssets). */
export const isHashedAsset = (path: string) => path.startsWith('/assets/');

/** The page and its runtime configuration: `max-age=0, must-revalidate` (STOREFRONT_CACHING.pages), asked again on every visit. */
export const isRevalidatedPage = (path: string) => path === '/' || path === '/index.html' || path === `/${RUNTIME_OUTPUTS_FILE}`;

/**
 * A returning visit from the first one's requests: hashed assets come from the browser's cache (no
 * request); the page (and amplify_outputs.json, if fetched) is revalidated every time, a 304 that
 * costs a request and its headers. Every other file (pictures, the icon: `max-age=86400`) comes
 * from the cache when the visitor returns within a day (`afterADay` false), else is revalidated too.
 */
export function returningVisit(first: readonly VisitRequest[], afterADay = false): VisitLoad {
  const again = first.filter((r) => !isHashedAsset(r.path) && (afterADay || isRevalidatedPage(r.path)));
  return { requests: again.length, bytes: again.reduce((s, r) => s + r.headerBytes, 0), files: again.map((r) => r.path) };
}

/** One request per path: a file the page asks for twice comes from the memory cache the second time (the cloud's files all have a max-age or a validator). */
export function uniqueByPath(requests: readonly VisitRequest[]): VisitRequest[] {
  const seen = new Set<string>();
  return requests.filter((r) => !seen.has(r.path) && seen.add(r.path));
}

export function visitLoad(requests: readonly VisitRequest[]): VisitLoad {
  return { requests: requests.length, bytes: requests.reduce((s, r) => s + r.bytes, 0), files: requests.map((r) => r.path) };
}

// ---------------------------------------------------------------- the monthly bill

export type BillKind = 'per order' | 'per monthly active user' | 'per storefront visit' | 'fixed per deployment';

export interface BillLine {
  service: string;
  kind: BillKind;
  what: string;
  quantity: number;
  unit: string;
  unitPriceUSD: number;
  monthlyUSD: number;
}

export interface MonthlyBill {
  scenario: Scenario & { conversion: number };
  /** Every line, free tiers ignored (they are per account). */
  totalUSD: number;
  target: number;
  byService: Record<string, number>;
  byKind: Record<BillKind, number>;
  lines: BillLine[];
  /** What the account's free tiers would take off (always-free tiers only), shown apart. */
  freeTier: { what: string; monthlyUSD: number }[];
  freeTierAdjustedUSD: number;
  /** What changes the total most: each figure +/-50% (and the other plans). */
  sensitivities: { name: string; totalUSD: number; deltaUSD: number }[];
  assumptions: string[];
  notCounted: string[];
}

export interface BillInputs {
  scenario: Scenario;
  perOrder: CostFigures;
  counts: CostCounts;
  fixed?: FixedMonthly;
  plans: UserPoolPlan[];
  visit?: VisitFigures;
  /** The distribution's default behavior runs a CloudFront Function (the page fallback) on each request it serves. */
  pageFunction?: boolean;
  target?: number;
}

/** The whole monthly bill of the scenario. */
export function monthlyBill(inputs: BillInputs): MonthlyBill {
  const { scenario: s, perOrder, counts, fixed, plans, visit, pageFunction } = inputs;
  const lines: BillLine[] = [];
  const add = (service: string, kind: BillKind, what: string, quantity: number, unit: string, unitPriceUSD: number) =>
    lines.push({ service, kind, what, quantity, unit, unitPriceUSD, monthlyUSD: quantity * unitPriceUSD });
  const scale = s.ordersPerMonth / 100_000;

  // ---- Per order: every line of the per-order model, scaled; the customers' e-mails.
  for (const l of perOrder.breakdown) {
    if (l.per100kUSD === 0) continue;
    add(l.service, 'per order', l.what, l.perOrder * s.ordersPerMonth, 'x', l.unitPriceUSD);
  }
  const emails = customerEmails(counts);
  add('SES', 'per order', `customers' e-mails (${emails.perOrder.toFixed(2)} per order: ${emails.source})`, emails.perOrder * s.ordersPerMonth, 'e-mail', PRICES.sesEmail);
  const itemBytes = counts.itemBytes.orders.mean + 100; // DynamoDB bills 100 bytes of overhead per item stored
  const storedGb = (s.ordersPerMonth * s.monthsOfOrdersKept * itemBytes) / GB;
  add('DynamoDB', 'per order', `storage of ${s.monthsOfOrdersKept} months of orders (${Math.round(itemBytes)} B an item with its 100 B overhead; index copies not counted)`, storedGb, 'GB-month', PRICES.dynamoStorageGbMonth);

  // ---- Per monthly active user: Cognito at each pool's plan (the customers' pool; the first holds them).
  const plan = plans[0] ?? { pool: 'none', plan: 'ESSENTIALS' as CognitoPlan, source: 'default' as const };
  const cognito = COGNITO_PLANS[plan.plan];
  add('Cognito', 'per monthly active user', `${s.signedInCustomers.toLocaleString('en-US')} signed-in customers, ${plan.plan} plan (${plan.source === 'template' ? `UserPoolTier in the template` : 'no UserPoolTier: AWS applies Essentials'})`, s.signedInCustomers, 'MAU', cognito.mau.usd);

  // ---- Per storefront visit: CloudFront requests and data out.
  let storefrontRequests = 0;
  let storefrontGb = 0;
  if (visit) {
    const f = s.firstVisitShare;
    const requestsPerVisit = f * visit.first.requests + (1 - f) * visit.returning.requests;
    const bytesPerVisit = f * visit.first.bytes + (1 - f) * visit.returning.bytes;
    storefrontRequests = s.storefrontVisits * requestsPerVisit;
    storefrontGb = (s.storefrontVisits * bytesPerVisit) / GB;
    const mix = `${Math.round(f * 100)}% first visits of ${visit.first.requests} requests, ${Math.round((1 - f) * 100)}% returning of ${visit.returning.requests}`;
    add('CloudFront', 'per storefront visit', `storefront HTTPS requests (${requestsPerVisit.toFixed(2)} per visit: ${mix})`, storefrontRequests, 'request', PRICES.cloudFrontHttpsRequest);
    if (pageFunction) {
      // The default behavior's requests (the page, its configuration, pictures); hashed bundles have their own behavior.
      const perVisit = f * visit.first.files.filter((file) => !isHashedAsset(file)).length + (1 - f) * visit.returning.files.filter((file) => !isHashedAsset(file)).length;
      add('CloudFront', 'per storefront visit', `the page-fallback function (${perVisit.toFixed(2)} invocations per visit: the requests outside assets/)`, s.storefrontVisits * perVisit, 'invocation', PRICES.cloudFrontFunctionInvocation);
    }
    add('CloudFront', 'per storefront visit', `storefront data transfer out (${(bytesPerVisit / 1024).toFixed(1)} KB per visit: first ${(visit.first.bytes / 1024).toFixed(1)} KB, returning ${(visit.returning.bytes / 1024).toFixed(1)} KB)`, storefrontGb, 'GB', PRICES.cloudFrontDataTransferOutGb);
  }

  // ---- Fixed per deployment.
  for (const l of fixed?.lines ?? []) add(l.service, 'fixed per deployment', l.what, l.quantity, 'x', l.unitPriceUSD);

  const totalUSD = lines.reduce((sum, l) => sum + l.monthlyUSD, 0);
  const byService: Record<string, number> = {};
  for (const l of lines) byService[l.service] = (byService[l.service] ?? 0) + l.monthlyUSD;
  const byKind = { 'per order': 0, 'per monthly active user': 0, 'per storefront visit': 0, 'fixed per deployment': 0 } as Record<BillKind, number>;
  for (const l of lines) byKind[l.kind] += l.monthlyUSD;

  // ---- Free tiers (always free, per account): apart.
  const cloudFrontRequests = storefrontRequests + lines.filter((l) => l.service === 'CloudFront' && l.kind === 'per order').reduce((sum, l) => sum + l.quantity, 0);
  const xrayTraces = perOrder.freeTier.xrayTracesPer100k * scale + (fixed?.lines ?? []).filter((l) => l.service === 'X-Ray').reduce((sum, l) => sum + l.quantity, 0);
  const schedulerInvocations = perOrder.freeTier.schedulerInvocationsPer100k * scale;
  const freeTier = [
    { what: `Cognito: the first ${cognito.freeMau.toLocaleString('en-US')} MAU of the ${plan.plan} plan`, monthlyUSD: Math.min(s.signedInCustomers, cognito.freeMau) * cognito.mau.usd },
    { what: `CloudFront: the first ${(PRICES.cloudFrontFreeRequests / 1e6).toFixed(0)} million requests (storefront and API)`, monthlyUSD: Math.min(cloudFrontRequests, PRICES.cloudFrontFreeRequests) * PRICES.cloudFrontHttpsRequest },
    { what: `CloudFront: the first ${PRICES.cloudFrontFreeGbOut.toLocaleString('en-US')} GB (1 TB) out`, monthlyUSD: Math.min(storefrontGb, PRICES.cloudFrontFreeGbOut) * PRICES.cloudFrontDataTransferOutGb },
    { what: `X-Ray: the first ${PRICES.xrayFreeTracesPerMonth.toLocaleString('en-US')} traces (per order and fixed together)`, monthlyUSD: Math.min(xrayTraces, PRICES.xrayFreeTracesPerMonth) * PRICES.xrayTraceRecorded },
    { what: `EventBridge Scheduler: the first ${(PRICES.schedulerFreeInvocationsPerMonth / 1e6).toFixed(0)} million invocations`, monthlyUSD: Math.min(schedulerInvocations, PRICES.schedulerFreeInvocationsPerMonth) * PRICES.schedulerInvocation },
    { what: `DynamoDB: the first ${PRICES.dynamoFreeStorageGb} GB stored`, monthlyUSD: Math.min(storedGb, PRICES.dynamoFreeStorageGb) * PRICES.dynamoStorageGbMonth },
    ...(fixed?.freeTier ?? []).filter((f) => !f.what.startsWith('X-Ray')),
  ].filter((f) => f.monthlyUSD > 0);

  // ---- Sensitivities: the total with one figure changed (linear in each).
  const perOrderUsd = byKind['per order'];
  const perMau = cognito.mau.usd;
  const perVisit = s.storefrontVisits > 0 ? byKind['per storefront visit'] / s.storefrontVisits : 0;
  const sensitivities = [
    { name: 'monthly active users +50%', deltaUSD: 0.5 * s.signedInCustomers * perMau },
    { name: 'every customer signed in (no guests)', deltaUSD: (s.customers - s.signedInCustomers) * perMau },
    { name: 'storefront visits +50% (same orders: conversion down to ' + `${((conversion(s) / 1.5) * 100).toFixed(2)}%)`, deltaUSD: 0.5 * s.storefrontVisits * perVisit },
    { name: `conversion halved (${((conversion(s) / 2) * 100).toFixed(2)}%: twice the visits for the same orders)`, deltaUSD: s.storefrontVisits * perVisit },
    { name: 'orders +50% (visits, customers and MAU +50% too)', deltaUSD: 0.5 * (perOrderUsd + byKind['per monthly active user'] + byKind['per storefront visit']) },
    {
      name: 'returning visitors all come back after more than a day (pictures and icon revalidated)',
      deltaUSD: visit ? s.storefrontVisits * (1 - s.firstVisitShare) * ((visit.returningAfterADay.requests - visit.returning.requests) * PRICES.cloudFrontHttpsRequest + ((visit.returningAfterADay.bytes - visit.returning.bytes) / GB) * PRICES.cloudFrontDataTransferOutGb) : 0,
    },
    { name: 'all first visits (no browser cache)', deltaUSD: visit ? s.storefrontVisits * (1 - s.firstVisitShare) * ((visit.first.requests - visit.returning.requests) * PRICES.cloudFrontHttpsRequest + ((visit.first.bytes - visit.returning.bytes) / GB) * PRICES.cloudFrontDataTransferOutGb) : 0 },
    ...(Object.keys(COGNITO_PLANS) as CognitoPlan[]).filter((p) => p !== plan.plan).map((p) => ({ name: `user pool on the ${p} plan`, deltaUSD: s.signedInCustomers * (COGNITO_PLANS[p].mau.usd - perMau) })),
  ].map((x) => ({ ...x, totalUSD: totalUSD + x.deltaUSD }));

  const freeTotal = freeTier.reduce((sum, f) => sum + f.monthlyUSD, 0);
  return {
    scenario: { ...s, conversion: conversion(s) },
    totalUSD,
    target: inputs.target ?? 250,
    byService,
    byKind,
    lines,
    freeTier,
    freeTierAdjustedUSD: totalUSD - freeTotal,
    sensitivities,
    assumptions: [
      `Scenario: ${s.ordersPerMonth.toLocaleString('en-US')} orders a month from ${s.customers.toLocaleString('en-US')} customers, ${s.signedInCustomers.toLocaleString('en-US')} of them signed in (Cognito MAU; guests are no MAU), ${s.storefrontVisits.toLocaleString('en-US')} storefront visits (${(conversion(s) * 100).toFixed(2)}% conversion), ${Math.round(s.firstVisitShare * 100)}% of them first visits (env: ${Object.values(SCENARIO_ENV).join(', ')}).`,
      `Per order: the per-order model's lines on the run's counts (${counts.orders} orders, payment success ${counts.settings.paymentSuccessRate}) x ${s.ordersPerMonth.toLocaleString('en-US')}; the X-Ray sampling shares were computed at 100,000 orders a month.`,
      `E-mail: ${emails.source}; SES $0.10 per 1,000 (${PRICE_LIST.sesEmail.source}, ${PRICE_LIST.sesEmail.checked}). The SNS topic's operator e-mail (one per publish) stays in the per-order lines.`,
      `Cognito: ${plan.plan} plan read from the template (${plans.map((p) => `${p.pool}: ${p.plan}, ${p.source}`).join('; ') || 'no pool found'}); ${COGNITO_PLANS[plan.plan].mau.usd} per MAU (${PRICE_LIST.cognitoLiteMau.source}); guests never sign in and are no MAU.`,
      visit
        ? `Storefront visit: ${visit.method}. First visit ${visit.first.requests} requests, ${(visit.first.bytes / 1024).toFixed(1)} KB (${visit.first.files.join(', ')}); returning ${visit.returning.requests} (${visit.returning.files.join(', ') || 'none'}; within a day of the last visit), 304s of their headers; after more than a day ${visit.returningAfterADay.requests} (a sensitivity). The response headers are the local server's: CloudFront adds its security headers (~1 KB a response), not counted.`
        : 'Storefront visit: not measured (no build): no storefront lines.',
      'Free tiers: always-free ones only, per account and shared with anything else in it, so apart from totalUSD; the 12-month ones of a new account (e.g. SES 3,000 messages) are not listed.',
    ],
    notCounted: [
      'Card fees (the payment provider, not AWS).',
      "My-orders views and a customer's later visits to an order page (each a GET like a poll: the poll lever's price).",
      'KMS requests, S3 requests behind CloudFront (the edge caches every file until the next deployment), DynamoDB index copies in storage and point-in-time backups, CloudWatch Logs storage beyond the month.',
      "Cognito's own e-mails (sign-up codes, resets) and SES data transfer for e-mail bodies.",
    ],
  };
}
