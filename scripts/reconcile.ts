/**
 * `npm run reconcile`: checks that orders, workflow executions and e-mails agree (see
 * scripts/reconcile-lib.ts for the checks). Exits 1 on any mismatch, 2 on a usage or read error.
 *
 *   npm run reconcile -- --data-dir .local     the data of a stopped `npm start` (the default)
 *   npm run reconcile -- --api-url http://127.0.0.1:3000/ [--data-dir .local]
 *                                              a running `npm start`: orders through the API,
 *                                              e-mails through its local mailbox, executions
 *                                              from <data-dir>/executions/
 *   --allow-open   report orders still in flight without failing on them
 *   --json         print the report as JSON
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Order } from '../amplify/domain/order.ts';
import { readExecutions } from '../local/step-functions/execution-store.ts';
import { checkReconciliation, formatReport, reconcile, type MailInfo, type ReconcileReport } from './reconcile-lib.ts';

const usage = 'Usage: npm run reconcile -- [--data-dir DIR] [--api-url URL] [--allow-open] [--json]';

async function getJson(url: URL): Promise<any> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return response.json();
}

/** A running stack, read through its HTTP API (the DynamoDB files are locked while it runs). */
async function reconcileRunning(apiUrl: string, dataDir: string, allowOpen: boolean): Promise<ReconcileReport> {
  const orders: Order[] = [];
  let nextToken: string | undefined;
  do {
    const url = new URL('orders', apiUrl);
    url.searchParams.set('limit', '100');
    if (nextToken) url.searchParams.set('nextToken', nextToken);
    const page = (await getJson(url)) as { orders: Order[]; nextToken?: string };
    orders.push(...page.orders);
    nextToken = page.nextToken;
  } while (nextToken);
  const { messages } = (await getJson(new URL('_local/outbox', apiUrl))) as { messages: MailInfo[] };
  const executions = readExecutions(dataDir);
  return checkReconciliation({ orders, executions, mails: messages }, { allowOpen });
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        'data-dir': { type: 'string' },
        'api-url': { type: 'string' },
        'allow-open': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  if (args.help) {
    console.log(usage);
    return 0;
  }
  const dataDir = path.resolve(args['data-dir'] ?? process.env.LOCAL_DATA_DIR ?? '.local');
  const allowOpen = args['allow-open'] ?? false;
  let report: ReconcileReport;
  try {
    report = args['api-url'] ? await reconcileRunning(args['api-url'], dataDir, allowOpen) : await reconcile({ dataDir }, { allowOpen });
  } catch (error) {
    console.error(`Reconciliation could not read its sources: ${(error as Error).message}`);
    return 2;
  }
  if (args.json) console.log(JSON.stringify(report, null, 2));
  else {
    console.log(`Reconciliation of ${args['api-url'] ? `the stack at ${args['api-url']}` : dataDir}`);
    console.log(formatReport(report));
    console.log(report.ok ? 'OK' : 'MISMATCHES FOUND');
  }
  return report.ok ? 0 : 1;
}

// dynalite reports a data folder it cannot open (locked by a running `npm start`) by throwing
// outside any promise; turn that into a message and the read-error exit code.
process.on('uncaughtException', (error: Error & { code?: string }) => {
  const locked = error.code === 'LEVEL_DATABASE_NOT_OPEN' || /lock/i.test(error.message);
  console.error(
    locked
      ? 'Reconciliation could not open the local DynamoDB data: is `npm start` still running on it? Stop it, or use --api-url with the running stack.'
      : `Reconciliation failed: ${error.stack ?? error.message}`,
  );
  process.exit(2);
});

process.exitCode = await main();
