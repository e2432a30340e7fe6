/**
 * The cloud definition: the four functions (`amplify/functions/*`) and, in the same nested stack
 * (resource group `RESOURCE_GROUP`), every other resource of the platform, one construct per box of the architecture
 * (`amplify/cloud/`, composed by `OrdersCloud`).
 * Deploy with `npx ampx sandbox` or a branch deployment; `npm run synth` synthesizes it offline.
 * See docs/cloud.md.
 */
import { defineBackend } from '@aws-amplify/backend';
import { Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { fileURLToPath } from 'node:url';
import { configureFunctions } from './cloud/functions.ts';
import { giveHelperFunctionsLogGroups } from './cloud/helper-logs.ts';
import { configureAuth } from './auth/app-client.ts';
import { acknowledgeAuthNagFindings } from './auth/nag.ts';
import { auth } from './auth/resource.ts';
import { acknowledgeNagFindings } from './cloud/nag-findings.ts';
import { OrdersCloud } from './cloud/orders-cloud.ts';
import { readDeploySettings } from './cloud/settings.ts';
import { TraceSampling } from './cloud/tracing.ts';
import { appServer } from './functions/app-server/resource.ts';
import { orderStarter } from './functions/order-starter/resource.ts';
import { processOrder } from './functions/process-order/resource.ts';
import { recoverOrders } from './functions/recover-orders/resource.ts';

export const backend = defineBackend({ auth, appServer, orderStarter, processOrder, recoverOrders });

/** The CDK function behind an Amplify function (a NodejsFunction, so a `lambda.Function`). */
function cdkFunction(resource: { resources: { lambda: lambda.IFunction } }): lambda.Function {
  const fn = resource.resources.lambda;
  if (!(fn instanceof lambda.Function)) throw new Error(`${fn.node.path} is not a lambda.Function`);
  return fn;
}

const functions = {
  appServer: cdkFunction(backend.appServer),
  orderStarter: cdkFunction(backend.orderStarter),
  processOrder: cdkFunction(backend.processOrder),
  recoverOrders: cdkFunction(backend.recoverOrders),
};

/** The functions' nested stack: custom resources go here, so no reference crosses stacks. */
export const ordersStack = Stack.of(functions.appServer);

const settings = readDeploySettings(ordersStack.node, fileURLToPath(new URL('..', import.meta.url)));
/** Branches keep their data (tables, workflow logs, accounts) when deleted; sandboxes clean up. */
const retainData = settings.deploymentType !== 'sandbox';
configureAuth(backend.auth, { retainAccounts: retainData, mail: settings.mail });

/**
 * Amplify's root stack name, `amplify-<app or project>-<branch or user>-<type>-<hash>`: unique per
 * deployment in an account and region, so every name and metric dimension we set includes it.
 */
export const deploymentName = backend.stack.stackName;

export const cloud = new OrdersCloud(ordersStack, 'OrdersCloud', {
  deploymentName,
  ...functions,
  notificationEmail: settings.notificationEmail,
  notificationEvents: settings.notificationEvents,
  alarmEmail: settings.alarmEmail,
  apiThrottle: settings.apiThrottle,
  orderRateLimit: settings.orderRateLimit,
  cancelWindowSeconds: settings.cancelWindowSeconds,
  shopTimeZone: settings.shopTimeZone,
  waf: settings.waf,
  storefrontDir: settings.storefrontDir,
  storefrontDomain: settings.storefrontDomain,
  mail: settings.mail,
  storefrontUrl: settings.storefrontUrl,
  retainData,
  auth: { userPool: backend.auth.resources.userPool, userPoolClient: backend.auth.resources.userPoolClient },
});

configureFunctions(functions);
export const traceSampling = new TraceSampling(ordersStack, 'TraceSampling', { api: cloud.api });

// Last, once every construct (ours, CDK's, Amplify's) exists.
giveHelperFunctionsLogGroups(backend.stack);

acknowledgeNagFindings(backend.stack, ordersStack, cloud, functions);
acknowledgeAuthNagFindings(backend.auth, cloud);

// amplify_outputs.json: `custom.API.<API_NAME>.endpoint` (read by the storefront) and the CDN URL.
backend.addOutput(cloud.clientOutputs);
