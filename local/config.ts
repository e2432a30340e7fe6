/** Settings of the local stack, from the environment (README, "Configuration"). */
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_PAYMENT_SUCCESS_RATE } from '../amplify/server/settings.ts';

/** The storefront's port unless WEB_PORT says otherwise; the API answers CORS for its origin. */
export const DEFAULT_WEB_PORT = 5173;

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

const schema = z.object({
  API_PORT: port(3000),
  WEB_PORT: port(DEFAULT_WEB_PORT),
  /** The local Cognito user pool (cognito-local). */
  COGNITO_PORT: port(9229),
  LOCAL_DATA_DIR: z.string().min(1).default('.local'),
  PAYMENT_SUCCESS_RATE: z.coerce.number().min(0).max(1).default(DEFAULT_PAYMENT_SUCCESS_RATE),
  /** How long an order "travels" locally before it is delivered (AWS: its estimated delivery days). */
  LOCAL_DELIVERY_WAIT_MS: z.coerce.number().int().min(0).default(3000),
  /** Pause between workflow retries locally (AWS: the definition's IntervalSeconds and BackoffRate). */
  LOCAL_RETRY_INTERVAL_MS: z.coerce.number().int().min(0).default(200),
  /** How long a received queue message stays invisible locally before redelivery (AWS: 300 s). */
  LOCAL_VISIBILITY_TIMEOUT_SECONDS: z.coerce.number().int().min(0).default(5),
  /** How often the recovery job looks for stuck orders locally. */
  LOCAL_RECOVERY_INTERVAL_MS: z.coerce.number().int().min(100).default(30_000),
  /** How long an open order must be untouched before the local recovery job drives it on (AWS: 15 min). */
  LOCAL_RECOVERY_STALE_AFTER_MS: z.coerce.number().int().min(0).default(60_000),
  AMPLIFY_OUTPUTS_PATH: z.string().min(1).default('amplify_outputs.json'),
  /** How long the local API waits for a request's body before answering 408 (slow or stalled clients). */
  LOCAL_BODY_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
});

export type LocalConfig = {
  apiPort: number;
  webPort: number;
  cognitoPort: number;
  dataDir: string;
  paymentSuccessRate: number;
  deliveryWaitMs: number;
  retryIntervalMs: number;
  visibilityTimeoutSeconds: number;
  recoveryIntervalMs: number;
  recoveryStaleAfterMs: number;
  outputsPath: string;
  bodyTimeoutMs: number;
};

export function readLocalConfig(env: NodeJS.ProcessEnv = process.env): LocalConfig {
  const result = schema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid local configuration: ${problems}`);
  }
  const c = result.data;
  return {
    apiPort: c.API_PORT,
    webPort: c.WEB_PORT,
    cognitoPort: c.COGNITO_PORT,
    dataDir: path.resolve(c.LOCAL_DATA_DIR),
    paymentSuccessRate: c.PAYMENT_SUCCESS_RATE,
    deliveryWaitMs: c.LOCAL_DELIVERY_WAIT_MS,
    retryIntervalMs: c.LOCAL_RETRY_INTERVAL_MS,
    visibilityTimeoutSeconds: c.LOCAL_VISIBILITY_TIMEOUT_SECONDS,
    recoveryIntervalMs: c.LOCAL_RECOVERY_INTERVAL_MS,
    recoveryStaleAfterMs: c.LOCAL_RECOVERY_STALE_AFTER_MS,
    outputsPath: path.resolve(c.AMPLIFY_OUTPUTS_PATH),
    bodyTimeoutMs: c.LOCAL_BODY_TIMEOUT_MS,
  };
}
