/**
 * What an AWS account enforces on a deployment's templates that a synthesis does not: the length
 * of each name a template sets, and the account-wide quotas its resources count against. Used by
 * tests/cloud/deployments.test.ts on long but legal sandbox and branch names.
 */
type Json = Record<string, any>;

/** A property that refers to another resource (or is a custom resource's input): no limit applies. */
export const NOT_A_NAME = Number.POSITIVE_INFINITY;
/** AWS documents no length limit for this name. */
export const NO_DOCUMENTED_LIMIT = Number.POSITIVE_INFINITY;

/** Property paths (within `Properties`) that name something, by resource type, with AWS's limit. */
export const NAME_LIMITS: Record<string, Record<string, number>> = {
  'AWS::XRay::SamplingRule': { 'SamplingRule.RuleName': 32, 'SamplingRule.ServiceName': 64 },
  'AWS::Lambda::Function': { FunctionName: 64 },
  'AWS::IAM::Role': { RoleName: 64 },
  'AWS::IAM::Policy': { PolicyName: 128 },
  'AWS::StepFunctions::StateMachine': { StateMachineName: 80 },
  'AWS::SQS::Queue': { QueueName: 80 },
  'AWS::SNS::Topic': { TopicName: 256 },
  'AWS::Scheduler::ScheduleGroup': { Name: 64 },
  'AWS::Events::Rule': { Name: 64 },
  // The domain identity is the shop's domain (one per account and region: a deployment with the
  // identity ARN setting creates none); the configuration set's name is CloudFormation's.
  'AWS::SES::EmailIdentity': { EmailIdentity: 253 },
  'AWS::SES::ConfigurationSet': { Name: 64 },
  'AWS::SES::ConfigurationSetEventDestination': { ConfigurationSetName: NOT_A_NAME },
  'AWS::CloudWatch::Alarm': { AlarmName: 255 },
  'AWS::CloudWatch::Dashboard': { DashboardName: 255 },
  'AWS::CloudFront::ResponseHeadersPolicy': { 'ResponseHeadersPolicyConfig.Name': 128 },
  'AWS::CloudFront::OriginAccessControl': { 'OriginAccessControlConfig.Name': 64 },
  'AWS::CloudFront::Function': { Name: 64 },
  'AWS::Logs::LogGroup': { LogGroupName: 512 },
  'AWS::DynamoDB::Table': { TableName: 255 },
  'AWS::S3::Bucket': { BucketName: 63 },
  'AWS::ApiGateway::Stage': { StageName: 128 },
  // API Gateway documents no length limit for these (they are unique within their API only).
  'AWS::ApiGateway::RestApi': { Name: NO_DOCUMENTED_LIMIT },
  'AWS::ApiGateway::Model': { Name: NO_DOCUMENTED_LIMIT },
  'AWS::ApiGateway::RequestValidator': { Name: NO_DOCUMENTED_LIMIT },
  'AWS::ApiGateway::Authorizer': { Name: NO_DOCUMENTED_LIMIT },
  'AWS::Cognito::UserPool': { UserPoolName: 128 },
  // AppSync's API name (1-50 characters, letters, digits, `-`, `_`, spaces) and a channel namespace's (1-50).
  'AWS::AppSync::Api': { Name: 50 },
  'AWS::AppSync::ChannelNamespace': { Name: 50 },
  'AWS::Cognito::UserPoolClient': { ClientName: 128 },
  'AWS::Cognito::IdentityPool': { IdentityPoolName: 128 },
  'AWS::Cognito::UserPoolGroup': { GroupName: 128 },
  'AWS::Lambda::LayerVersion': { LayerName: 140 },
  // References to the function by its ARN: no name of ours.
  'AWS::Lambda::Permission': { FunctionName: NOT_A_NAME },
  'AWS::Lambda::EventSourceMapping': { FunctionName: NOT_A_NAME },
  'AWS::Lambda::EventInvokeConfig': { FunctionName: NOT_A_NAME },
  // A custom resource's inputs, not names AWS checks.
  'Custom::S3AutoDeleteObjects': { BucketName: NOT_A_NAME },
  'Custom::CDKBucketDeployment': { DestinationBucketName: NOT_A_NAME },
  'Custom::AmplifyBranchLinkerResource': { branchName: NOT_A_NAME },
};

/** `…Name` properties that name nothing (a label, a metric). */
const NOT_NAMES = new Set(['DisplayName', 'MetricName']);

/**
 * The longest a value behind a reference can be, in characters, when a name is built from it.
 * Pseudo parameters; a resource's `Ref` or `Fn::GetAtt` by its type. Anything else is unknown and
 * fails the check (so a new kind of reference is looked at, not guessed).
 */
const LONGEST_REF: Record<string, number> = {
  'AWS::Region': 14, // ap-southeast-5, ap-northeast-3
  'AWS::AccountId': 12,
  'AWS::Partition': 10, // aws-us-gov
  'AWS::URLSuffix': 16, // amazonaws.com.cn
  'AWS::StackId': 128 + 100, // arn:...:stack/<name up to 128>/<uuid>
  'AWS::ApiGateway::RestApi': 10,
  'AWS::ApiGateway::Stage': 128,
};

export interface NameFinding {
  readonly type: string;
  readonly property: string;
  readonly longest: number;
  readonly limit: number;
  readonly value: string;
}

/** A property's value, resolved to the longest string it can be (unknown parts make it Infinity). */
export function longestValue(value: unknown, resources: Record<string, Json>): { text: string; length: number } {
  if (typeof value === 'string') return { text: value, length: value.length };
  if (value && typeof value === 'object') {
    const v = value as Json;
    if ('Ref' in v) {
      const length = LONGEST_REF[v.Ref] ?? LONGEST_REF[resources[v.Ref]?.Type] ?? Number.POSITIVE_INFINITY;
      return { text: `<${v.Ref}:${length}>`, length };
    }
    if ('Fn::GetAtt' in v) return { text: `<${v['Fn::GetAtt'].join('.')}>`, length: Number.POSITIVE_INFINITY };
    if ('Fn::Join' in v) {
      const [separator, parts] = v['Fn::Join'] as [string, unknown[]];
      const resolved = parts.map((p) => longestValue(p, resources));
      return {
        text: resolved.map((r) => r.text).join(separator),
        length: resolved.reduce((sum, r) => sum + r.length, 0) + separator.length * Math.max(0, parts.length - 1),
      };
    }
    if ('Fn::Select' in v) {
      // A piece of a split value: at most the whole.
      const [, list] = v['Fn::Select'] as [number, Json];
      const split = list['Fn::Split'] as [string, unknown] | undefined;
      const whole = longestValue(split ? split[1] : list, resources);
      return { text: `select(${whole.text})`, length: whole.length };
    }
  }
  return { text: JSON.stringify(value), length: Number.POSITIVE_INFINITY };
}

const at = (properties: Json, path: string): unknown => path.split('.').reduce<any>((o, k) => o?.[k], properties);

/** Every name-bearing property of every resource, with the longest it can be and its limit. */
export function namesOf(templates: Json[]): NameFinding[] {
  const findings: NameFinding[] = [];
  for (const template of templates) {
    const resources = (template.Resources ?? {}) as Record<string, Json>;
    for (const resource of Object.values(resources)) {
      const properties = (resource.Properties ?? {}) as Json;
      const limits = NAME_LIMITS[resource.Type] ?? {};
      // Top-level `…Name` properties, and the nested ones the table lists.
      const paths = new Set([...Object.keys(properties).filter((k) => /Name$/.test(k) && !NOT_NAMES.has(k)), ...Object.keys(limits).filter((p) => at(properties, p) !== undefined)]);
      for (const property of paths) {
        const { text, length } = longestValue(at(properties, property), resources);
        findings.push({ type: resource.Type, property, longest: length, limit: limits[property] ?? Number.NaN, value: text });
      }
    }
  }
  return findings;
}

/**
 * Account quotas (per account and region unless said) a deployment's resources count against, with
 * AWS's default value. `perDeployment` counts them in the templates.
 */
export const ACCOUNT_QUOTAS: { what: string; type: string; quota: number; note: string }[] = [
  { what: 'X-Ray sampling rules', type: 'AWS::XRay::SamplingRule', quota: 25, note: 'per account and region, shared with every app (not adjustable)' },
  { what: 'CloudFront response headers policies', type: 'AWS::CloudFront::ResponseHeadersPolicy', quota: 20, note: 'custom policies per account, all regions (adjustable)' },
  { what: 'CloudFront origin access controls', type: 'AWS::CloudFront::OriginAccessControl', quota: 100, note: 'per account, all regions (adjustable)' },
  { what: 'CloudFront functions', type: 'AWS::CloudFront::Function', quota: 100, note: 'per account, all regions (adjustable)' },
  { what: 'CloudFront distributions', type: 'AWS::CloudFront::Distribution', quota: 200, note: 'per account, all regions (adjustable)' },
  { what: 'CloudFront cache policies', type: 'AWS::CloudFront::CachePolicy', quota: 20, note: 'custom policies per account (the stack uses a managed one)' },
  { what: 'Cognito user pools', type: 'AWS::Cognito::UserPool', quota: 1_000, note: 'per account and region' },
  { what: 'SES identities', type: 'AWS::SES::EmailIdentity', quota: 10_000, note: 'per account and region; with MAIL_FROM only, one per domain (others pass MAIL_IDENTITY_ARN)' },
  { what: 'SES configuration sets', type: 'AWS::SES::ConfigurationSet', quota: 10_000, note: 'per account and region; with MAIL_FROM only' },
  { what: 'Cognito identity pools', type: 'AWS::Cognito::IdentityPool', quota: 1_000, note: 'per account and region' },
  { what: 'API Gateway regional REST APIs', type: 'AWS::ApiGateway::RestApi', quota: 600, note: 'per account and region' },
  { what: 'EventBridge rules', type: 'AWS::Events::Rule', quota: 300, note: 'per event bus (the default bus), adjustable' },
  { what: 'EventBridge Scheduler schedule groups', type: 'AWS::Scheduler::ScheduleGroup', quota: 500, note: 'per account and region' },
  { what: 'S3 general purpose buckets', type: 'AWS::S3::Bucket', quota: 10_000, note: 'per account, all regions' },
  { what: 'IAM roles', type: 'AWS::IAM::Role', quota: 1_000, note: 'per account, all regions (adjustable to 5,000)' },
  { what: 'CloudFormation stacks', type: 'AWS::CloudFormation::Stack', quota: 2_000, note: 'per account and region (nested stacks; each deployment has one root more)' },
  { what: 'Step Functions state machines', type: 'AWS::StepFunctions::StateMachine', quota: 10_000, note: 'per account and region' },
  { what: 'DynamoDB tables', type: 'AWS::DynamoDB::Table', quota: 2_500, note: 'per account and region' },
  { what: 'AppSync APIs', type: 'AWS::AppSync::Api', quota: 25, note: 'per account and region, GraphQL and Event APIs (adjustable; check Service Quotas before the first deployment)' },
  { what: 'WAF web ACLs', type: 'AWS::WAFv2::WebACL', quota: 100, note: 'regional web ACLs per account and region (adjustable)' },
];

export function perDeployment(templates: Json[], type: string): number {
  return templates.reduce((n, t) => n + Object.values((t.Resources ?? {}) as Record<string, Json>).filter((r) => r.Type === type).length, 0);
}
