/**
 * AWS list prices, us-east-1 (N. Virginia), pay-as-you-go, first tier, free tiers kept apart.
 *
 * Each price names its pricing page and the date it was last checked against it. They were
 * recorded from those pages, not fetched by the bench: this machine has no internet access, so
 * re-check them before quoting a figure to anyone who pays the bill, and update the date when you do.
 * The twelve prices dated 2025-07-21 were re-checked for issue 12 (DynamoDB on-demand after the
 * November 2024 50% reduction: $0.625/M WRU, $0.125/M RRU; Express $1/M requests and $0.06 per
 * GB-hour; Scheduler $1/M after 14M free; Arm Lambda $0.0000133334 per GB-s).
 */
export const PRICES_DATE = '2025-07-21';
export const PRICES_REGION = 'us-east-1';
export const PRICES_SOURCE = 'the AWS pricing page named beside each price in PRICE_LIST (us-east-1 list prices, first tier)';

interface Price {
  usd: number;
  unit: string;
  source: string;
  checked: string;
}

const page = (service: string) => `https://aws.amazon.com/${service}/pricing/`;
/** The CloudWatch prices of the fixed monthly section (issue 20). */
const CLOUDWATCH_CHECKED = '2026-12-07 (free tier from a stored copy of the page, paid prices from memory of it and copies elsewhere; no internet here)';
const FROM_MEMORY = '2026-12-07 (from memory of the page; no internet here)';
/** The prices of the whole monthly bill (issue 29): the figures the audit quoted, as remembered from the pages; no internet here, re-check before quoting. */
const BILL_CHECKED = '2026-12-08 (from memory of the page and the issue 29 audit; no internet here)';

export const PRICE_LIST = {
  /** API Gateway REST API, per request (first 333 million a month: $3.50 per million). */
  apiGatewayRestRequest: { usd: 3.5 / 1e6, unit: 'request', source: page('api-gateway'), checked: '2025-07-21' },
  /** API Gateway HTTP API, per request (first 300 million a month: $1.00 per million). Not used; a lever. */
  apiGatewayHttpRequest: { usd: 1.0 / 1e6, unit: 'request', source: page('api-gateway'), checked: '2026-11-29 (from memory of the page; no internet here)' },
  /** Lambda, per request ($0.20 per million), either architecture. */
  lambdaRequest: { usd: 0.2 / 1e6, unit: 'request', source: page('lambda'), checked: '2025-07-21' },
  /** Lambda x86, per GB-second of billed duration (1 ms granularity), first 6 billion GB-s. */
  lambdaGbSecond: { usd: 0.0000166667, unit: 'GB-second', source: page('lambda'), checked: '2025-07-21' },
  /** Lambda Arm (Graviton), per GB-second, first 7.5 billion GB-s. */
  lambdaArmGbSecond: { usd: 0.0000133334, unit: 'GB-second', source: page('lambda'), checked: '2025-07-21' },
  /** DynamoDB on-demand, Standard table class: per write request unit ($0.625 per million). */
  dynamoWriteRequestUnit: { usd: 0.625 / 1e6, unit: 'WRU', source: `${page('dynamodb')}on-demand/`, checked: '2025-07-21' },
  /** DynamoDB on-demand, Standard table class: per read request unit ($0.125 per million). */
  dynamoReadRequestUnit: { usd: 0.125 / 1e6, unit: 'RRU', source: `${page('dynamodb')}on-demand/`, checked: '2025-07-21' },
  /** SQS standard queue, per request (each 64 KB chunk of a payload is one request; $0.40 per million). */
  sqsRequest: { usd: 0.4 / 1e6, unit: 'request', source: page('sqs'), checked: '2025-07-21' },
  /** Step Functions Standard, per state transition ($0.025 per 1,000), retries included. */
  sfnStandardTransition: { usd: 0.025 / 1e3, unit: 'state transition', source: page('step-functions'), checked: '2025-07-21' },
  /** Step Functions Express, per request ($1.00 per million). */
  sfnExpressRequest: { usd: 1.0 / 1e6, unit: 'request', source: page('step-functions'), checked: '2025-07-21' },
  /** Step Functions Express, per GB-second ($0.06 per GB-hour, first 1,000 h), billed in 100 ms steps, 64 MB minimum. */
  sfnExpressGbSecond: { usd: 0.06 / 3600, unit: 'GB-second', source: page('step-functions'), checked: '2025-07-21' },
  /** SNS standard topic, per publish (64 KB chunks; $0.50 per million). */
  snsPublish: { usd: 0.5 / 1e6, unit: 'publish', source: page('sns'), checked: '2025-07-21' },
  /** SNS e-mail/e-mail-JSON delivery ($2.00 per 100,000). */
  snsEmailDelivery: { usd: 2.0 / 1e5, unit: 'e-mail', source: page('sns'), checked: '2025-07-21' },
  /** SES outbound e-mail ($0.10 per 1,000 = $10 per 100,000): the customers' e-mails (`cost.byService.SES`, apart from the infrastructure total). */
  sesEmail: { usd: 0.1 / 1e3, unit: 'e-mail', source: page('ses'), checked: '2025-07-21' },
  /** EventBridge Scheduler, per scheduled invocation ($1.00 per million, after the free 14 million a month). */
  schedulerInvocation: { usd: 1.0 / 1e6, unit: 'invocation', source: page('eventbridge'), checked: '2025-07-21' },
  /** CloudWatch Logs ingestion, Standard log class (and vended logs' first 10 TB): $0.50 per GB. */
  cloudWatchLogsIngestGb: { usd: 0.5, unit: 'GB ingested', source: page('cloudwatch'), checked: '2026-11-29 (stored copies of the page; no internet here)' },
  /** CloudWatch Logs storage (archive): $0.03 per GB-month. */
  cloudWatchLogsStorageGbMonth: { usd: 0.03, unit: 'GB-month', source: page('cloudwatch'), checked: '2026-11-29 (stored copies of the page; no internet here)' },
  /** X-Ray, per trace recorded ($5.00 per million; the first 100,000 a month are free). */
  xrayTraceRecorded: { usd: 5.0 / 1e6, unit: 'trace recorded', source: page('xray'), checked: '2026-11-29 (stored copies of the page; no internet here)' },
  // ---- Fixed monthly prices (per resource or per metric, whatever the orders): bench/fixed-monthly.ts.
  /** CloudWatch alarm, standard resolution (period >= 60 s), per metric it evaluates (a metric-math alarm: each metric of its expression), per month ($0.10; the first 10 alarm metrics a month are free). */
  cloudWatchAlarmMetricMonth: { usd: 0.1, unit: 'alarm metric-month', source: page('cloudwatch'), checked: CLOUDWATCH_CHECKED },
  /** CloudWatch alarm, high resolution (period < 60 s), per metric it evaluates, per month ($0.30). */
  cloudWatchHighResolutionAlarmMetricMonth: { usd: 0.3, unit: 'alarm metric-month', source: page('cloudwatch'), checked: CLOUDWATCH_CHECKED },
  /** CloudWatch composite alarm, per alarm per month ($0.50). */
  cloudWatchCompositeAlarmMonth: { usd: 0.5, unit: 'alarm-month', source: page('cloudwatch'), checked: CLOUDWATCH_CHECKED },
  /** CloudWatch dashboard, per dashboard per month ($3.00; the first 3 dashboards of an account, up to 50 metrics each, are free). */
  cloudWatchDashboardMonth: { usd: 3.0, unit: 'dashboard-month', source: page('cloudwatch'), checked: CLOUDWATCH_CHECKED },
  /** CloudWatch custom metric (and detailed-monitoring metric), per metric per month, first 10,000 ($0.30; prorated by the hour, metered only in the hours it is sent; the first 10 a month are free). */
  cloudWatchCustomMetricMonth: { usd: 0.3, unit: 'metric-month', source: page('cloudwatch'), checked: CLOUDWATCH_CHECKED },
  /** KMS customer managed key, per key per month ($1.00, prorated by the hour; with automatic rotation each of the first two yearly rotations adds $1.00 a month). */
  kmsKeyMonth: { usd: 1.0, unit: 'key-month', source: page('kms'), checked: FROM_MEMORY },
  /** AWS WAF web ACL, per ACL per month ($5.00; requests are $0.60 per million on top). */
  wafWebAclMonth: { usd: 5.0, unit: 'web ACL-month', source: page('waf'), checked: FROM_MEMORY },
  /** AWS WAF rule (or rule group) in a web ACL, per rule per month ($1.00). */
  wafRuleMonth: { usd: 1.0, unit: 'rule-month', source: page('waf'), checked: FROM_MEMORY },
  /** AWS WAF, per request a web ACL inspects ($0.60 per million). */
  wafRequest: { usd: 0.6 / 1e6, unit: 'request', source: page('waf'), checked: FROM_MEMORY },
  /** CloudFront Functions, per invocation ($0.10 per million; the always-free 10 million requests tier includes 2 million invocations, not counted here). */
  cloudFrontFunctionInvocation: { usd: 0.1 / 1e6, unit: 'invocation', source: page('cloudfront'), checked: FROM_MEMORY },
  /** Secrets Manager secret, per secret per month ($0.40; API calls $0.05 per 10,000 on top). */
  secretsManagerSecretMonth: { usd: 0.4, unit: 'secret-month', source: page('secrets-manager'), checked: FROM_MEMORY },
  // ---- The whole monthly bill (issue 29): per storefront visit, per monthly active user, per e-mail.
  /** CloudFront HTTPS requests, United States/Europe (price class 100 serves only those edges): $0.0100 per 10,000. Also each API request routed through the distribution. */
  cloudFrontHttpsRequest: { usd: 0.01 / 1e4, unit: 'HTTPS request', source: page('cloudfront'), checked: BILL_CHECKED },
  /** CloudFront data transfer out to the internet, United States/Europe, first 10 TB a month: $0.085 per GB. */
  cloudFrontDataTransferOutGb: { usd: 0.085, unit: 'GB out', source: page('cloudfront'), checked: BILL_CHECKED },
  /** Cognito user pool, Lite feature plan: $0.0055 per monthly active user (10,001-100,000 MAU). */
  cognitoLiteMau: { usd: 0.0055, unit: 'MAU', source: page('cognito'), checked: BILL_CHECKED },
  /** Cognito user pool, Essentials feature plan (a new pool's default when none is set): $0.015 per MAU. */
  cognitoEssentialsMau: { usd: 0.015, unit: 'MAU', source: page('cognito'), checked: BILL_CHECKED },
  /** Cognito user pool, Plus feature plan (threat protection): $0.02 per MAU, no free tier. */
  cognitoPlusMau: { usd: 0.02, unit: 'MAU', source: page('cognito'), checked: BILL_CHECKED },
  /** DynamoDB on-demand storage, Standard table class: $0.25 per GB-month (the first 25 GB of an account are free). */
  dynamoStorageGbMonth: { usd: 0.25, unit: 'GB-month', source: `${page('dynamodb')}on-demand/`, checked: FROM_MEMORY },
  /**
   * AWS AppSync Events (live order status, issue 26): $1.00 per million operations, an operation
   * being a connect, a subscribe, an event published (per 5 KB) or an event delivered to one subscriber (per 5 KB).
   */
  appsyncEventsOperation: { usd: 1.0 / 1e6, unit: 'operation', source: page('appsync'), checked: FROM_MEMORY },
  /** AWS AppSync Events: $0.08 per million connection minutes (a socket open for a minute). */
  appsyncEventsConnectionMinute: { usd: 0.08 / 1e6, unit: 'connection-minute', source: page('appsync'), checked: FROM_MEMORY },
  /** Route 53 hosted zone, per zone per month ($0.50 for the first 25). */
  route53HostedZoneMonth: { usd: 0.5, unit: 'hosted zone-month', source: page('route53'), checked: FROM_MEMORY },
} as const satisfies Record<string, Price>;

export type PriceName = keyof typeof PRICE_LIST;

/** The unit prices in USD, by name. */
export const PRICES = {
  ...(Object.fromEntries(Object.entries(PRICE_LIST).map(([name, p]) => [name, p.usd])) as Record<PriceName, number>),
  /** Billing rules beside the prices (same pages): */
  /** CloudWatch Logs bills each event's UTF-8 size plus 26 bytes. */
  cloudWatchLogsEventOverheadBytes: 26,
  xrayFreeTracesPerMonth: 100_000,
  schedulerFreeInvocationsPerMonth: 14_000_000,
  /** CloudWatch's free tier, per account and month: 10 custom or detailed metrics, 10 standard-resolution alarm metrics, 3 dashboards. */
  cloudWatchFreeMetrics: 10,
  cloudWatchFreeAlarmMetrics: 10,
  cloudWatchFreeDashboards: 3,
  /** CloudFront's always-free tier, per account and month (since 2021-12): 1 TB out and 10,000,000 HTTP(S) requests. */
  cloudFrontFreeGbOut: 1024,
  cloudFrontFreeRequests: 10_000_000,
  /** Cognito's always-free tier for the Lite and Essentials plans: the first 10,000 MAU a month (users who sign in directly or through a social provider); Plus has none. */
  cognitoFreeMau: 10_000,
  /** DynamoDB's always-free tier: 25 GB of storage per account. */
  dynamoFreeStorageGb: 25,
};

/** Cognito's price per MAU by the pool's `UserPoolTier` (the template's value; none set: AWS applies Essentials to a pool created since 2024-11-22). */
export const COGNITO_PLANS = {
  LITE: { mau: PRICE_LIST.cognitoLiteMau, freeMau: PRICES.cognitoFreeMau },
  ESSENTIALS: { mau: PRICE_LIST.cognitoEssentialsMau, freeMau: PRICES.cognitoFreeMau },
  PLUS: { mau: PRICE_LIST.cognitoPlusMau, freeMau: 0 },
} as const;
export type CognitoPlan = keyof typeof COGNITO_PLANS;

/**
 * The CPU a Lambda function gets: in proportion to its memory, one full vCPU at 1,769 MB
 * ("Lambda allocates CPU power in proportion to the amount of memory configured ... At 1,769 MB, a
 * function has the equivalent of one vCPU", AWS Lambda Developer Guide, "Configure Lambda function
 * memory", docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html; checked from memory
 * 2026-12-08, no internet here). 128 MB: 128 / 1,769 = 0.072 of a core.
 */
export const LAMBDA_MB_PER_VCPU = 1769;
export const LAMBDA_CPU_SOURCE = 'https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html (1,769 MB = 1 vCPU), checked 2026-12-08 from memory';
