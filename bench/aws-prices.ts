/**
 * AWS list prices, us-east-1 (N. Virginia), pay-as-you-go, no free tier, x86 Lambda.
 *
 * The list prices published on the AWS pricing pages named in PRICES_SOURCE, as in effect on
 * PRICES_DATE (DynamoDB on-demand after its November 2024 50% reduction: $0.625/M WRU, $0.125/M
 * RRU). They were recorded from those pages, not fetched by the bench: this machine has no
 * internet access, so re-check them against the pages before quoting a figure to anyone who
 * pays the bill, and update PRICES_DATE when you do.
 */
export const PRICES_DATE = '2025-07-21';
export const PRICES_REGION = 'us-east-1';
export const PRICES_SOURCE =
  'aws.amazon.com/{api-gateway,lambda,dynamodb,sqs,step-functions,sns,eventbridge}/pricing/ (us-east-1 list prices, first tier, free tiers ignored); DynamoDB on-demand per the Nov 2024 50% reduction';

export const PRICES = {
  /** API Gateway REST API, per request (first 333 million a month: $3.50 per million). */
  apiGatewayRestRequest: 3.5 / 1e6,
  /** Lambda, per request ($0.20 per million). */
  lambdaRequest: 0.2 / 1e6,
  /** Lambda x86, per GB-second of billed duration (1 ms granularity). */
  lambdaGbSecond: 0.0000166667,
  /** DynamoDB on-demand, Standard table class: per write request unit ($0.625 per million). */
  dynamoWriteRequestUnit: 0.625 / 1e6,
  /** DynamoDB on-demand, Standard table class: per read request unit ($0.125 per million). */
  dynamoReadRequestUnit: 0.125 / 1e6,
  /** SQS standard queue, per request (each 64 KB chunk of a payload is one request; $0.40 per million). */
  sqsRequest: 0.4 / 1e6,
  /** Step Functions Standard, per state transition ($0.025 per 1,000), retries included. */
  sfnStandardTransition: 0.025 / 1e3,
  /** Step Functions Express, per request ($1.00 per million). */
  sfnExpressRequest: 1.0 / 1e6,
  /** Step Functions Express, per GB-second (first 1,000 h tier: $0.00001667), billed in 100 ms steps, 64 MB minimum. */
  sfnExpressGbSecond: 0.00001667,
  /** SNS standard topic, per publish (64 KB chunks; $0.50 per million). */
  snsPublish: 0.5 / 1e6,
  /** SNS e-mail/e-mail-JSON delivery ($2.00 per 100,000). */
  snsEmailDelivery: 2.0 / 1e5,
  /** EventBridge Scheduler, per scheduled invocation ($1.00 per million, after the free 14 million). */
  schedulerInvocation: 1.0 / 1e6,
} as const;

export type PriceName = keyof typeof PRICES;
