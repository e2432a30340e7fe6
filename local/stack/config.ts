/** Settings of the local stack, from the environment (docs/local.md, "Configuration"). */
import path from 'node:path';
import * as v from 'valibot';
import { CANCEL_WINDOW } from '../../amplify/server/settings/pipeline.ts';
import { DEFAULT_PAYMENT_SUCCESS_RATE, DEFAULT_SHIPMENT_SUCCESS_RATE } from '../../amplify/server/environment.ts';

/** The storefront's port unless WEB_PORT says otherwise; the API answers CORS for its origin. */
export const DEFAULT_WEB_PORT = 5173;

/** A number from a variable (`Number()` of its text), or `fallback` when it is not set. */
const numberFrom = (fallback: number) => v.pipe(v.optional(v.string(), String(fallback)), v.transform(Number), v.number('Must be a number'));
const number = (fallback: number, min: number, max: number) => v.pipe(numberFrom(fallback), v.minValue(min), v.maxValue(max));
const integer = (fallback: number, min: number, max = Number.MAX_SAFE_INTEGER) =>
  v.pipe(numberFrom(fallback), v.integer('Must be a whole number'), v.minValue(min), v.maxValue(max));
const port = (fallback: number) => integer(fallback, 0, 65535);
const nonEmpty = (fallback: string) => v.optional(v.pipe(v.string(), v.minLength(1)), fallback);

const schema = v.object({
  API_PORT: port(3000),
  WEB_PORT: port(DEFAULT_WEB_PORT),
  /**
   * The local Cognito user pool. 0: the port its data folder's pool had (kept in
   * `LOCAL_DATA_DIR/cognito/port`, since tokens name it), a free one on first start.
   */
  COGNITO_PORT: port(0),
  LOCAL_DATA_DIR: nonEmpty('.local'),
  PAYMENT_SUCCESS_RATE: number(DEFAULT_PAYMENT_SUCCESS_RATE, 0, 1),
  /** Probability that the simulated carrier books a shipment (below 1: failed shipments are refunded). */
  SHIPMENT_SUCCESS_RATE: number(DEFAULT_SHIPMENT_SUCCESS_RATE, 0, 1),
  /** How long the simulated payment provider takes to answer, so a cancel can be tried mid-payment. */
  LOCAL_PAYMENT_DELAY_MS: integer(0, 0),
  /**
   * How long an order "travels" locally before it is delivered (AWS: its estimated delivery days):
   * the one local clock of a delivery. The carrier's estimated delivery date, the order's due date in
   * the open-orders index (what the recovery job reads) and its delivery schedule all follow it, so
   * an order cut short anywhere after shipping is delivered soon after a restart.
   */
  LOCAL_DELIVERY_WAIT_MS: integer(3000, 0),
  /** The cancel window after payment (AWS: `CANCEL_WINDOW_SECONDS`, an hour by default); 0 ships at once. */
  CANCEL_WINDOW_SECONDS: integer(CANCEL_WINDOW.localDefaultSeconds, 0, CANCEL_WINDOW.maxSeconds),
  /** Pause between workflow retries locally (AWS: the definition's IntervalSeconds and BackoffRate). */
  LOCAL_RETRY_INTERVAL_MS: integer(200, 0),
  /** How long a received queue message stays invisible locally before redelivery (AWS: 300 s). */
  LOCAL_VISIBILITY_TIMEOUT_SECONDS: integer(5, 0),
  /** How often the recovery job looks for stuck orders locally. */
  LOCAL_RECOVERY_INTERVAL_MS: integer(30_000, 100),
  /** How long an open order must be untouched before the local recovery job drives it on (AWS: 15 min). */
  LOCAL_RECOVERY_STALE_AFTER_MS: integer(60_000, 0),
  AMPLIFY_OUTPUTS_PATH: nonEmpty('amplify_outputs.json'),
  /** How long the local API waits for a request's body before answering 408 (slow or stalled clients). */
  LOCAL_BODY_TIMEOUT_MS: integer(10_000, 100),
  /** A `vite build` of the storefront to serve instead of its source (the browser journeys: one build, two stacks). */
  LOCAL_STOREFRONT_BUILD_DIR: v.optional(v.pipe(v.string(), v.minLength(1))),
});

export type LocalConfig = {
  apiPort: number;
  webPort: number;
  cognitoPort: number;
  dataDir: string;
  paymentSuccessRate: number;
  shipmentSuccessRate: number;
  paymentDelayMs: number;
  deliveryWaitMs: number;
  cancelWindowSeconds: number;
  retryIntervalMs: number;
  visibilityTimeoutSeconds: number;
  recoveryIntervalMs: number;
  recoveryStaleAfterMs: number;
  outputsPath: string;
  bodyTimeoutMs: number;
  /** Unset: Vite's dev server on the source. */
  storefrontBuildDir?: string;
};

export function readLocalConfig(env: NodeJS.ProcessEnv = process.env): LocalConfig {
  const result = v.safeParse(schema, env);
  if (!result.success) {
    const problems = result.issues.map((i) => `${v.getDotPath(i)}: ${i.message}`).join('; ');
    throw new Error(`Invalid local configuration: ${problems}`);
  }
  const c = result.output;
  return {
    apiPort: c.API_PORT,
    webPort: c.WEB_PORT,
    cognitoPort: c.COGNITO_PORT,
    dataDir: path.resolve(c.LOCAL_DATA_DIR),
    paymentSuccessRate: c.PAYMENT_SUCCESS_RATE,
    shipmentSuccessRate: c.SHIPMENT_SUCCESS_RATE,
    paymentDelayMs: c.LOCAL_PAYMENT_DELAY_MS,
    deliveryWaitMs: c.LOCAL_DELIVERY_WAIT_MS,
    cancelWindowSeconds: c.CANCEL_WINDOW_SECONDS,
    retryIntervalMs: c.LOCAL_RETRY_INTERVAL_MS,
    visibilityTimeoutSeconds: c.LOCAL_VISIBILITY_TIMEOUT_SECONDS,
    recoveryIntervalMs: c.LOCAL_RECOVERY_INTERVAL_MS,
    recoveryStaleAfterMs: c.LOCAL_RECOVERY_STALE_AFTER_MS,
    outputsPath: path.resolve(c.AMPLIFY_OUTPUTS_PATH),
    bodyTimeoutMs: c.LOCAL_BODY_TIMEOUT_MS,
    storefrontBuildDir: c.LOCAL_STOREFRONT_BUILD_DIR && path.resolve(c.LOCAL_STOREFRONT_BUILD_DIR),
  };
}
