/**
 * `npm run bench`: speed, size and cost of the order platform, each next to its limit, in one run.
 * Prints a table and writes the same figures as JSON to $BENCH_OUT (default .bench/latest.json).
 * See docs/performance.md for what each figure means. No figure here is asserted by `npm test`.
 *
 * Sections (each independent: one failing is reported and the others still run):
 *   bundles     esbuild with Amplify's options vs an SDK-clients-only floor; import time x10
 *   api         autocannon, 16 connections, 7 trials of 3 s (medians; a floor ratio is the median of each trial's pair (GET's in turn first, POST's floor first), with its spread): POST (order poller paused) and GET vs
 *               the SDK floor (sdk-floor.ts) and raw PutItem/GetItem
 *   pipeline    300 orders POST -> DELIVERED vs (raw PutItem rate / 5), 3 trials
 *   storefront  vite build, first-page gzip; Lighthouse (desktop preset) x3 on the built site
 *   cost        instrumented stack, 100 orders at payment success 0.9, priced per 100k orders; and
 *               what one deployment pays every month whatever the orders, from an offline synthesis;
 *               and the whole monthly bill of the scenario (bill.ts: per order, per monthly active
 *               user, per storefront visit from a built site loaded in Chromium (visit.ts), fixed)
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureBundles, type BundleFigures } from './bundles.ts';
import { StackChild } from './child.ts';
import { accessLogLineBytes, readCloudConfig } from './cloud-config.ts';
import { CORS } from '../amplify/domain/api.ts';
import { apiPathFromTemplates, defaultBehaviorHasFunction, monthlyBill, scenarioFromEnv, userPoolPlans, type VisitFigures } from './bill.ts';
import { ACCESS_LOG_VALUES, computeCost, type BrowserApiPath, type CostFigures } from './cost.ts';
import type { CostCounts } from './cost-scenario.ts';
import { fixedMonthlyCost, synthesize, type FixedMonthly, type SynthResult } from './fixed-monthly.ts';
import { measureApi, measurePipeline, type ApiFigures, type PipelineFigures } from './speed.ts';
import { round } from './stats.ts';
import { buildStorefront, runLighthouse, serveStatic, type LighthouseFigures, type StorefrontFigures } from './storefront.ts';
import { measureVisit } from './visit.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const outFile = path.resolve(root, process.env.BENCH_OUT ?? '.bench/latest.json');
const only = new Set((process.env.BENCH_ONLY ?? 'bundles,api,pipeline,storefront,cost').split(',').map((s) => s.trim()));
const started = performance.now();
const log = (line: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}`);
const work = mkdtempSync(path.join(os.tmpdir(), 'orders-bench-'));

interface Results {
  meta: Record<string, unknown>;
  api?: ApiFigures;
  pipeline?: PipelineFigures;
  bundles?: Record<string, BundleFigures>;
  storefront?: StorefrontFigures;
  lighthouse?: LighthouseFigures;
  cost?: CostFigures;
  costProjection?: { label: string; per100kOrdersUSD: number; withLeversPer100kUSD: number; byService: Record<string, number>; breakdown: CostFigures['breakdown'] };
  errors: Record<string, string>;
}

const results: Results = {
  meta: {
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    platform: `${os.platform()} ${os.release()}`,
  },
  errors: {},
};

async function section(name: string, run: () => Promise<void>): Promise<void> {
  if (![...only].some((o) => name.split('+').includes(o))) return;
  log(`${name} ...`);
  try {
    await run();
  } catch (error) {
    results.errors[name] = (error as Error).stack ?? String(error);
    log(`${name} FAILED: ${(error as Error).message}`);
  }
}

await section('bundles', async () => {
  results.bundles = await measureBundles(root, path.join(work, 'bundles'), ['app-server', 'order-starter', 'process-order'], log);
});

await section('api+pipeline+storefront', async () => {
  const child = new StackChild('speed');
  try {
    const ready = await child.next('ready', 60_000);
    let posted = 0;
    let rawPut = Number.NaN;
    if (only.has('api') || only.has('pipeline')) {
      const trials = Number(process.env.BENCH_API_TRIALS ?? 7);
      const seconds = Number(process.env.BENCH_API_SECONDS ?? 3);
      log(`api: POST /orders (order poller paused) and GET /orders/{id} vs the SDK floor and raw PutItem/GetItem (16 connections, ${trials} x ${seconds} s, medians)`);
      const api = await measureApi(ready, child, log, trials, seconds);
      results.api = api.figures;
      posted = api.ordersPosted;
      rawPut = api.figures.rawPutPerSec;
    }
    if (only.has('pipeline')) {
      log('pipeline: 300 orders POST -> DELIVERED, 3 trials (delivery wait and retry interval 0)');
      results.pipeline = await measurePipeline(ready, child, posted, rawPut, log);
    }
    if (only.has('storefront')) {
      log('storefront: vite build + Lighthouse (desktop) against this stack');
      child.send({ type: 'outputs' });
      const { outputs } = await child.next('outputs');
      const site = path.join(work, 'site');
      results.storefront = await buildStorefront(root, site, outputs, log);
      const server = await serveStatic(site);
      try {
        results.lighthouse = await runLighthouse(server.url, Number(process.env.BENCH_LIGHTHOUSE_RUNS ?? 3), log);
      } finally {
        await server.close();
      }
    }
  } finally {
    await child.stop();
  }
});

await section('cost', async () => {
  const orders = Number(process.env.BENCH_COST_ORDERS ?? 100);
  const deployment = readCloudConfig(root);
  // BENCH_COUNTS_IN: price the counts a previous run wrote (BENCH_COUNTS_OUT) instead of counting again.
  const countsIn = process.env.BENCH_COUNTS_IN;
  log(
    countsIn
      ? `cost: pricing the counts in ${countsIn} (no run); a ${deployment.workflowType} workflow, ${deployment.lambdaArchitecture} Lambdas`
      : `cost: ${orders} orders through an instrumented stack, payment success 0.9, each watched on its order page; pricing a ${deployment.workflowType} workflow, ${deployment.lambdaArchitecture} Lambdas`,
  );
  const child = countsIn ? undefined : new StackChild('cost', [String(orders)]);
  try {
    const { counts } = child ? await child.next('cost', 600_000) : { counts: JSON.parse(readFileSync(countsIn!, 'utf8')) as unknown };
    if (process.env.BENCH_COUNTS_OUT) {
      mkdirSync(path.dirname(path.resolve(process.env.BENCH_COUNTS_OUT)), { recursive: true });
      writeFileSync(process.env.BENCH_COUNTS_OUT, `${JSON.stringify(counts, null, 2)}\n`);
    }
    // What a deployment is, from an offline synthesis of the backend (after the run: the synthesis
    // would compete with the sequential pass for the cores): the fixed monthly part, whether the
    // browser reaches the API through the storefront's CloudFront, the user pool's plan.
    let synth: SynthResult | undefined;
    try {
      log('cost: synthesizing amplify/backend.ts offline (fixed monthly costs, the API path, the user pool plan)');
      synth = await synthesize(root);
    } catch (error) {
      results.errors['cost.fixedMonthly'] = (error as Error).stack ?? String(error);
      log(`cost.fixedMonthly FAILED: ${(error as Error).message.split('\n')[0]}`);
    }
    const apiPath = synth ? apiPathFromTemplates(synth.templates) : undefined;
    const browser: BrowserApiPath = {
      apiViaCloudFront: apiPath?.apiViaCloudFront ?? false,
      webAclOnApi: apiPath?.webAclOnApi ?? false,
      functionOnApi: apiPath?.functionOnApi ?? false,
      corsMaxAgeSeconds: CORS.maxAgeSeconds,
      source: apiPath ? apiPath.reason : 'no template (the synthesis failed): assumed cross-origin',
    };
    log(`cost: the browser's API path: ${browser.apiViaCloudFront ? 'same origin through CloudFront' : 'cross-origin, CORS preflights'} (${browser.source})`);
    const costOptions = { accessLogLineBytes: await accessLogLineBytes(deployment.apiAccessLogFormat, ACCESS_LOG_VALUES), browser, cloudCpu: true };
    results.cost = computeCost(counts as CostCounts, deployment, costOptions);
    // Issue 12's design priced on the same counts, while the backend is not yet that design.
    const issue12 = { ...deployment, workflowType: 'EXPRESS', lambdaArchitecture: 'arm64', workflowLogLevel: 'ERROR' } as const;
    if (deployment.workflowType !== issue12.workflowType || deployment.lambdaArchitecture !== issue12.lambdaArchitecture) {
      // The Standard run's executions include the local delivery wait; the Express workflow hands it to the Scheduler.
      const c = counts as CostCounts;
      const wait = c.settings.deliveryWaitMs;
      const withoutWait = (ms: number) => (ms >= wait ? ms - wait : ms);
      const expressCounts: CostCounts = {
        ...c,
        executions: { ...c.executions, durationsMs: c.executions.durationsMs.map(withoutWait) },
        calibrationExecutionMs: c.calibrationExecutionMs.map(withoutWait),
      };
      const projected = computeCost(expressCounts, issue12, costOptions);
      results.costProjection = { label: 'PROJECTION on these counts: Express workflow + scheduled delivery, arm64, workflow log at ERROR', per100kOrdersUSD: projected.per100kOrdersUSD, byService: projected.byService, withLeversPer100kUSD: projected.withLeversPer100kUSD, breakdown: projected.breakdown };
    }
    // What the stack pays every month whatever the orders.
    let fixed: FixedMonthly | undefined;
    if (synth) {
      fixed = fixedMonthlyCost(synth.templates, synth.published);
      fixed.synthesized = { stackName: synth.stackName, context: synth.context, seconds: round(synth.seconds, 1) };
      results.cost.fixedMonthly = fixed;
      // The per-order model read the API's sampling rule from the source; the template must agree.
      const rules = Object.values(synth.templates).flatMap((t) => Object.values(t.Resources ?? {}).filter((r) => r.Type === 'AWS::XRay::SamplingRule'));
      const priced = results.cost.deployment.xraySampling;
      const agrees = rules.some((r) => r.Properties?.SamplingRule?.ReservoirSize === priced.reservoirPerSecond && r.Properties?.SamplingRule?.FixedRate === priced.fixedRate);
      if (rules.length > 0 && !agrees) fixed.notes.push(`The template's sampling rules (${JSON.stringify(rules.map((r) => r.Properties?.SamplingRule))}) differ from the one the per-order model priced (${priced.rule}).`);
    }
    // A storefront visit, from a production build loaded in Chromium.
    let visit: VisitFigures | undefined;
    try {
      log('cost: a storefront visit: vite build + the catalog page in Chromium (requests and bytes)');
      visit = await measureVisit(root, path.join(work, 'visit'), log);
    } catch (error) {
      results.errors['cost.visit'] = (error as Error).stack ?? String(error);
      log(`cost.visit FAILED: ${(error as Error).message.split('\n')[0]}`);
    }
    results.cost.monthly = monthlyBill({ scenario: scenarioFromEnv(), perOrder: results.cost, counts: counts as CostCounts, fixed, plans: synth ? userPoolPlans(synth.templates) : [], visit, pageFunction: synth ? defaultBehaviorHasFunction(synth.templates) : false });
    results.cost.apiPath = { ...browser, behaviors: apiPath?.behaviors ?? [] };
  } finally {
    await child?.stop();
  }
});

rmSync(work, { recursive: true, force: true });
results.meta.wallSeconds = round((performance.now() - started) / 1000, 1);

// ---- table ----
type Row = [string, string, string, string];
const rows: Row[] = [];
const status = (ok: boolean | undefined, miss: string) => (ok === undefined ? '' : ok ? 'met' : `MISSED ${miss}`);
const f = (v: number | undefined, d = 0) => (v === undefined || Number.isNaN(v) ? 'n/a' : v.toFixed(d));
const { api, pipeline, bundles, storefront, lighthouse, cost } = results;
if (api) {
  rows.push(['api.postOrdersPerSec', f(api.postOrdersPerSec), `p50 ${api.postP50Ms} ms, p99 ${api.postP99Ms} ms`, '']);
  rows.push(['api.rawPutPerSec', f(api.rawPutPerSec), `conditional PutItem, ${api.orderItemBytes} B item`, '']);
  rows.push(['api.sdkFloorPostPerSec', f(api.sdkFloorPostPerSec), 'bare node:http + SDK GetItem (closed account) with BatchGetItem (stock), PutItem (Idempotency-Key record), PutItem, UpdateItem (stats), SendMessage; same process', '']);
  rows.push(['api.sdkFloorRatio', f(api.sdkFloorRatio, 3), `POST / SDK floor, median of ${api.trials} paired trials ± ${f(api.sdkFloorRatioSpread, 3)}; target >= 0.8`, status(api.sdkFloorRatio >= 0.8, `by ${f(0.8 / api.sdkFloorRatio, 1)}x`)]);
  rows.push(['api.ratio', f(api.ratio, 3), 'POST / raw PutItem (no SDK); was the target (0.5)', '']);
  rows.push(['api.getPerSec', f(api.getPerSec), `p50 ${api.getP50Ms} ms, p99 ${api.getP99Ms} ms`, '']);
  rows.push(['api.rawGetPerSec', f(api.rawGetPerSec), 'GetItem, ConsistentRead', '']);
  rows.push(['api.sdkFloorGetPerSec', f(api.sdkFloorGetPerSec), 'bare node:http + SDK GetItem, same process', '']);
  rows.push(['api.getSdkFloorRatio', f(api.getSdkFloorRatio, 3), `GET / SDK floor, median of ${api.trials} paired trials ± ${f(api.getSdkFloorRatioSpread, 3)}; target >= 0.8`, status(api.getSdkFloorRatio >= 0.8, `by ${f(0.8 / api.getSdkFloorRatio, 1)}x`)]);
  rows.push(['api.getSdkFloorCpuRatio', f(api.getSdkFloorCpuRatio, 3), `SDK floor's CPU per GET / the route's, median of ${api.trials} paired trials ± ${f(api.getSdkFloorCpuRatioSpread, 3)}`, '']);
  rows.push(['api.sdkFloorCpuRatio', f(api.sdkFloorCpuRatio, 3), `SDK floor's CPU per POST / the route's, median of ${api.trials} paired trials ± ${f(api.sdkFloorCpuRatioSpread, 3)}`, '']);
  rows.push(['api.getRatio', f(api.getRatio, 3), 'GET / raw GetItem (no SDK); was the target (0.8)', '']);
}
if (pipeline) {
  rows.push(['pipeline.ordersPerSec', f(pipeline.ordersPerSec, 1), `${pipeline.orders} orders, POST -> DELIVERED`, '']);
  rows.push(['pipeline.limitOrdersPerSec', f(pipeline.limitOrdersPerSec, 1), 'raw PutItem/s / 5 writes', '']);
  rows.push(['pipeline.ratio', f(pipeline.ratio, 3), 'target >= 0.5', status(pipeline.ratio >= 0.5, `by ${f(0.5 / pipeline.ratio, 1)}x`)]);
}
for (const [name, b] of Object.entries(bundles ?? {})) {
  rows.push([`bundles.${name}.bytes`, f(b.bytes), `floor ${b.floorBytes} B (${b.sdkClients.map((s) => s.replace('@aws-sdk/', '')).join(', ')})`, '']);
  rows.push([`bundles.${name}.ratio`, f(b.ratio, 2), 'target <= 1.5', status(b.ratio <= 1.5, `by ${f((b.ratio / 1.5 - 1) * 100)}%${b.topInputs ? `; top: ${b.topInputs.slice(0, 3).map((i) => `${i.input} ${Math.round(i.bytes / 1024)} KB`).join(', ')}` : ''}`)]);
  rows.push([`bundles.${name}.loadMs`, f(b.loadMs, 1), `floor ${f(b.floorLoadMs, 1)} ms (median of 10)`, '']);
}
if (storefront) {
  rows.push(['storefront.initialJsGzipBytes', f(storefront.initialJsGzipBytes), `${f(storefront.initialJsGzipBytes / 1024, 1)} KB; target <= 120 KB`, status(storefront.initialJsGzipBytes <= 120 * 1024, '')]);
  rows.push(['storefront.initialCssGzipBytes', f(storefront.initialCssGzipBytes), `${f(storefront.initialCssGzipBytes / 1024, 1)} KB`, '']);
}
if (lighthouse) {
  rows.push(['lighthouse.performance', f(lighthouse.performance), `desktop, median of ${lighthouse.runs} (${lighthouse.performanceRuns.join(', ')}); target >= 95`, status(lighthouse.performance >= 95, `by ${95 - lighthouse.performance} points (CLS ${lighthouse.metrics['cumulative-layout-shift']})`)]);
  rows.push(['lighthouse.accessibility', f(lighthouse.accessibility), 'target 100', status(lighthouse.accessibility >= 100, `by ${100 - lighthouse.accessibility} points`)]);
}
if (cost) {
  for (const [service, usd] of Object.entries(cost.byService)) rows.push([`cost.${service}`, `$${usd.toFixed(2)}`, 'per 100k orders', '']);
  const path100k = cost.apiPath ? (cost.apiPath.apiViaCloudFront ? 'API via CloudFront, no preflight' : `${f(cost.perOrder.corsPreflights, 2)} CORS preflights/order`) : 'Node fetch requests';
  rows.push(['cost.per100kOrdersUSD', `$${cost.per100kOrdersUSD.toFixed(2)}`, `browser's API requests (${path100k}), Lambda at 128 MB's CPU share; customers' SES e-mails apart; target <= $${cost.target}`, status(cost.per100kOrdersUSD <= cost.target, `by $${(cost.per100kOrdersUSD - cost.target).toFixed(2)}`)]);
  const ses = cost.monthly?.lines.find((l) => l.service === 'SES');
  if (ses && cost.monthly) rows.push(['cost.per100kOrdersWithCustomerEmailsUSD', `$${(cost.per100kOrdersUSD + (ses.monthlyUSD * 100_000) / cost.monthly.scenario.ordersPerMonth).toFixed(2)}`, `plus the customers' e-mails (SES, issue 21: ${f(ses.quantity / cost.monthly.scenario.ordersPerMonth, 2)}/order x $0.10 per 1,000)`, '']);
  const billed = cost.deployment.workflowType === 'STANDARD' ? 'billed' : 'counted, not billed (Express bills requests and duration)';
  rows.push(['cost.transitionsPerOrder', f(cost.perOrder.stateTransitions, 2), `${cost.deployment.workflowType} workflow, ${f(cost.perOrder.workflowExecutions, 2)} executions/order; ${billed}`, '']);
  if (results.costProjection) rows.push(['cost.projection', `$${results.costProjection.per100kOrdersUSD.toFixed(2)}`, results.costProjection.label, status(results.costProjection.per100kOrdersUSD <= cost.target, `by $${(results.costProjection.per100kOrdersUSD - cost.target).toFixed(2)}; with levers $${results.costProjection.withLeversPer100kUSD.toFixed(2)}`)]);
  rows.push(['cost.freeTierAdjusted', `$${cost.freeTierAdjustedPer100kUSD.toFixed(2)}`, 'X-Ray and Scheduler free tiers applied (a new account)', '']);
  rows.push(['cost.withLevers', `$${cost.withLeversPer100kUSD.toFixed(2)}`, `all ${cost.levers.length} levers pulled (see below)`, status(cost.withLeversPer100kUSD <= cost.target, `by $${(cost.withLeversPer100kUSD - cost.target).toFixed(2)}`)]);
  const fixed = cost.fixedMonthly;
  if (fixed) {
    const byService = new Map<string, number>();
    for (const l of fixed.lines) byService.set(l.service, (byService.get(l.service) ?? 0) + l.monthlyUSD);
    for (const [service, usd] of byService) rows.push([`cost.fixedMonthly.${service}`, `$${usd.toFixed(2)}`, 'per deployment per month, whatever the orders', '']);
    rows.push(['cost.fixedMonthly', `$${fixed.totalUSD.toFixed(2)}`, `per deployment per month, from the synthesized template (${fixed.lines.length} lines below; not in per100kOrdersUSD)`, '']);
    rows.push(['cost.fixedMonthly.freeTierAdjusted', `$${fixed.freeTierAdjustedUSD.toFixed(2)}`, 'CloudWatch and X-Ray free tiers applied (a new account, this deployment alone)', '']);
  }
  const bill = cost.monthly;
  if (bill) {
    const sc = bill.scenario;
    for (const [kind, usd] of Object.entries(bill.byKind)) rows.push([`cost.monthly.kind.${kind.replace(/ /g, '-')}`, `$${usd.toFixed(2)}`, 'a month of the scenario', '']);
    for (const [service, usd] of Object.entries(bill.byService).sort((a, b) => b[1] - a[1])) rows.push([`cost.monthly.${service}`, `$${usd.toFixed(2)}`, 'a month of the scenario', '']);
    rows.push([
      'cost.monthly.totalUSD',
      `$${bill.totalUSD.toFixed(2)}`,
      `${sc.ordersPerMonth.toLocaleString('en-US')} orders, ${sc.signedInCustomers.toLocaleString('en-US')} MAU of ${sc.customers.toLocaleString('en-US')} customers, ${sc.storefrontVisits.toLocaleString('en-US')} visits (${(sc.conversion * 100).toFixed(1)}%); free tiers apart; target <= $${bill.target}`,
      status(bill.totalUSD <= bill.target, `by $${(bill.totalUSD - bill.target).toFixed(2)}`),
    ]);
    rows.push(['cost.monthly.freeTierAdjusted', `$${bill.freeTierAdjustedUSD.toFixed(2)}`, "with the account's always-free tiers (listed below)", '']);
  }
}
const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length), 6));
console.log('');
console.log(['figure', 'value', 'detail', 'target'].map((h, i) => h.padEnd(widths[i]!)).join('  '));
for (const r of rows) console.log(r.map((c, i) => (i === 1 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd());
if (cost) {
  console.log('\ncost breakdown (per 100,000 orders):');
  for (const l of cost.breakdown) console.log(`  ${l.service.padEnd(21)} ${l.what.padEnd(100)} ${l.perOrder.toPrecision(4).padStart(10)}/order  $${l.per100kUSD.toFixed(3)}`);
  console.log('\nlevers (saving per 100,000 orders):');
  for (const l of cost.levers) console.log(`  $${l.savesPer100kUSD.toFixed(3).padStart(6)}  ${l.name} [${l.where}]`);
  console.log('\nsensitivity (would add per 100,000 orders):');
  for (const x of cost.sensitivities) console.log(`  $${x.addsPer100kUSD.toFixed(3).padStart(6)}  ${x.name}`);
  const fixed = cost.fixedMonthly;
  if (fixed) {
    console.log(`\nfixed monthly (per deployment, whatever the orders; ${fixed.synthesized?.stackName ?? 'synthesized'}, ${fixed.templates.length} templates):`);
    const unit = (usd: number) => (usd >= 0.01 ? `$${usd.toFixed(2)}` : `$${(usd * 1e6).toFixed(2)}/M`);
    for (const l of fixed.lines) console.log(`  ${l.service.padEnd(11)} ${l.what.padEnd(150)} ${l.quantity.toLocaleString('en-US', { maximumFractionDigits: 1 }).padStart(8)} x ${unit(l.unitPriceUSD).padEnd(8)} $${l.monthlyUSD.toFixed(3)}`);
    console.log(`  ${'total'.padEnd(11)} ${''.padEnd(150)} ${''.padStart(8)}   ${''.padEnd(8)} $${fixed.totalUSD.toFixed(3)}`);
    for (const f of fixed.freeTier) console.log(`  free tier   ${f.what}: -$${f.monthlyUSD.toFixed(3)}`);
    console.log(`  no fixed monthly price: ${Object.entries(fixed.noFixedPrice).map(([type, count]) => `${type.replace(/^AWS::/, '')} ${count}`).join(', ')}`);
    for (const note of fixed.notes) console.log(`  note: ${note}`);
  }
  const bill = cost.monthly;
  if (bill) {
    console.log(`\nmonthly bill (${bill.scenario.ordersPerMonth.toLocaleString('en-US')} orders, ${bill.scenario.signedInCustomers.toLocaleString('en-US')} MAU, ${bill.scenario.storefrontVisits.toLocaleString('en-US')} visits; free tiers apart):`);
    for (const l of bill.lines.filter((x) => x.monthlyUSD >= 0.005)) console.log(`  ${l.kind.padEnd(23)} ${l.service.padEnd(21)} ${l.what.slice(0, 150).padEnd(150)} $${l.monthlyUSD.toFixed(2).padStart(7)}`);
    console.log(`  ${'(lines under $0.005)'.padEnd(23)} ${''.padEnd(21)} ${`${bill.lines.filter((x) => x.monthlyUSD < 0.005).length} lines`.padEnd(150)} $${bill.lines.filter((x) => x.monthlyUSD < 0.005).reduce((s, x) => s + x.monthlyUSD, 0).toFixed(2).padStart(7)}`);
    console.log(`  ${'total'.padEnd(23)} ${''.padEnd(21)} ${''.padEnd(150)} $${bill.totalUSD.toFixed(2).padStart(7)}`);
    for (const f of bill.freeTier) console.log(`  free tier: ${f.what}: -$${f.monthlyUSD.toFixed(2)}`);
    console.log(`  with the free tiers: $${bill.freeTierAdjustedUSD.toFixed(2)}`);
    console.log('\n  what changes it most (the total with one figure changed):');
    for (const x of [...bill.sensitivities].sort((a, b) => Math.abs(b.deltaUSD) - Math.abs(a.deltaUSD))) console.log(`  ${x.deltaUSD >= 0 ? '+' : '-'}$${Math.abs(x.deltaUSD).toFixed(2).padStart(7)}  -> $${x.totalUSD.toFixed(2).padStart(7)}  ${x.name}`);
  }
  console.log(`\n  prices: ${cost.prices.region}, each with its page and date in bench/aws-prices.ts`);
}
for (const [name, error] of Object.entries(results.errors)) console.log(`\n${name} failed:\n${error}`);

mkdirSync(path.dirname(outFile), { recursive: true });
writeFileSync(outFile, `${JSON.stringify(results, null, 2)}\n`);
log(`wrote ${path.relative(root, outFile)} (wall time ${results.meta.wallSeconds} s)`);
process.exit(Object.keys(results.errors).length ? 1 : 0);
