/**
 * Each function's manifest: the environment variables (`ENV`) its code reads. The cloud definition
 * (amplify/cloud/functions.ts) and the local stack (local/lambda/function-environment.ts) give each
 * function exactly these, through `functionEnvironment`.
 */
import { ENV } from '../server/environment.ts';
import { FUNCTIONS } from '../server/settings/functions.ts';

export type FunctionKey = keyof typeof FUNCTIONS;
export type VariableKey = keyof typeof ENV;

export interface FunctionManifest {
  /** Read with `requireEnv` (or read where a missing value is a deployment bug): the function fails without them. */
  readonly required: readonly VariableKey[];
  /** Read with a default for when they are unset; a deployment sets those it has a value for. */
  readonly optional: readonly VariableKey[];
}

/** The custom metrics' dimension (`metricsNamespace`, `metricsServiceName`): every function publishes metrics. */
const EVERY_FUNCTION: readonly VariableKey[] = ['deploymentName'];

export const FUNCTION_MANIFESTS: Record<FunctionKey, FunctionManifest> = {
  appServer: {
    required: ['ordersTable', 'idempotencyTable', 'stockTable', 'statsTable', 'queueUrl', 'userPoolId', 'userPoolClientId', 'idTokenIssuer', 'orderTokenSecretArn', 'storefrontUrl'],
    optional: ['shopTimeZone', 'orderRateLimit', 'staffMfaRequired', 'viewerIpTrusted', 'allowedOrigins', 'liveEventsUrl', ...EVERY_FUNCTION],
  },
  orderStarter: {
    required: ['stateMachineArn'],
    optional: [...EVERY_FUNCTION],
  },
  processOrder: {
    required: ['ordersTable', 'idempotencyTable', 'stockTable', 'statsTable', 'topicArn', 'orderTokenSecretArn', 'deliveryScheduleGroup', 'deliverySchedulerRoleArn'],
    optional: [
      'shopTimeZone',
      'storefrontUrl',
      'cancelWindowSeconds',
      'mailFrom',
      'sesConfigurationSet',
      'liveEventsUrl',
      'paymentSuccessRate',
      'shipmentSuccessRate',
      'paymentDelayMs',
      'deliveryWaitMs',
      ...EVERY_FUNCTION,
    ],
  },
  recoverOrders: {
    required: ['ordersTable', 'stockTable', 'stateMachineArn', 'queueUrl'],
    optional: ['recoveryStaleAfterMs', ...EVERY_FUNCTION],
  },
};

/** The values a deployment (the cloud, the local stack) has for the variables; unset: none. */
export type VariableValues = Partial<Record<VariableKey, string>>;

/**
 * `key`'s environment: by variable name, exactly its manifest's variables that `values` has a
 * value for. A required variable without one throws, naming `where` (the cloud, the local stack).
 */
export function functionEnvironment(key: FunctionKey, values: VariableValues, where: string): Record<string, string> {
  const { required, optional } = FUNCTION_MANIFESTS[key];
  const missing = required.filter((variable) => values[variable] === undefined);
  if (missing.length > 0) {
    throw new Error(`${FUNCTIONS[key].name} reads ${missing.map((variable) => ENV[variable]).join(', ')}, which ${where} has no value for`);
  }
  const environment: Record<string, string> = {};
  for (const variable of [...required, ...optional]) {
    const value = values[variable];
    if (value !== undefined) environment[ENV[variable]] = value;
  }
  return environment;
}
