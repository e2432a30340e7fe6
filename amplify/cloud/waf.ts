/**
 * The per-IP limits in front of the store (a WAF web ACL, REGIONAL), associated with the API
 * stage and with the user pool. Rate-based rules count each client IP's requests over the last
 * `WAF_RULES.windowSeconds` and block it while it is above the limit (403 from API Gateway and from Cognito). The per-account limit on orders is app-server's
 * (`ORDER_RATE`); these stop one address flooding the API or guessing passwords. A setting
 * (`SETTINGS.waf`), on by default for branches.
 *
 * The storefront reaches the API through its CloudFront distribution, so the stage sees edge
 * addresses, one for many shoppers: the API's rule counts the viewer's address that the
 * distribution's function writes in `VIEWER_IP_HEADER` (replacing any the client sent). A caller
 * going to the stage's own host can write that header itself, so a second rule counts every request
 * by its source address too, with a limit an edge address shared by many shoppers stays under.
 */
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { VIEWER_IP_HEADER } from '../server/settings/api.ts';

/** Requests per IP per window before WAF blocks it (WAF's windows: 60, 120, 300 or 600 s). */
export const WAF_RULES = {
  windowSeconds: 300,
  /** The whole API: a shopper's session is tens of requests in five minutes; 2,000 is a script. */
  apiRequestsPerIp: 2_000,
  /**
   * Every API request by its source address: a CloudFront edge address carries many shoppers (the
   * whole shop's API traffic is a few requests a second at 100,000 orders a month), a caller straight
   * to the stage's host only itself, whatever viewer address it writes.
   */
  apiRequestsPerSourceIp: 20_000,
  /** The user pool (sign-in, sign-up, password reset, token refresh): 100 in five minutes per IP. */
  userPoolRequestsPerIp: 100,
} as const;


export interface WafProps {
  readonly apiStage: apigw.Stage;
  readonly userPool: cognito.IUserPool;
}

const visibility = (metricName: string) => ({ cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName });

/** A rate rule per client address: the source address, or the one in `VIEWER_IP_HEADER` (`viewerIp`). */
const perIp = (name: string, priority: number, limit: number, scopeDown?: wafv2.CfnWebACL.StatementProperty, viewerIp = false): wafv2.CfnWebACL.RuleProperty => ({
  name,
  priority,
  action: { block: {} },
  statement: {
    rateBasedStatement: {
      limit,
      evaluationWindowSec: WAF_RULES.windowSeconds,
      scopeDownStatement: scopeDown,
      ...(viewerIp
        ? { aggregateKeyType: 'FORWARDED_IP', forwardedIpConfig: { headerName: VIEWER_IP_HEADER, fallbackBehavior: 'NO_MATCH' } }
        : { aggregateKeyType: 'IP' }),
    },
  },
  visibilityConfig: visibility(name),
});

export class StoreWaf extends Construct {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: WafProps) {
    super(scope, id);
    // No Name: CloudFormation names it per stack (unique per deployment, within WAF's 128 characters).
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('orders-web-acl'),
      rules: [
        // Cognito's API is JSON with X-Amz-Target: only the user pool's requests count here.
        perIp('UserPoolPerIp', 0, WAF_RULES.userPoolRequestsPerIp, {
          byteMatchStatement: {
            fieldToMatch: { singleHeader: { Name: 'x-amz-target' } },
            positionalConstraint: 'STARTS_WITH',
            searchString: 'AWSCognitoIdentityProviderService.',
            textTransformations: [{ priority: 0, type: 'NONE' }],
          },
        }),
        perIp('ApiPerViewerIp', 1, WAF_RULES.apiRequestsPerIp, undefined, true),
        perIp('ApiPerSourceIp', 2, WAF_RULES.apiRequestsPerSourceIp),
      ],
    });
    const api = new wafv2.CfnWebACLAssociation(this, 'ApiStageAssociation', { resourceArn: props.apiStage.stageArn, webAclArn: this.webAcl.attrArn });
    // The stage's ARN is built from its name: the association must wait for the stage itself.
    api.node.addDependency(props.apiStage);
    new wafv2.CfnWebACLAssociation(this, 'UserPoolAssociation', { resourceArn: props.userPool.userPoolArn, webAclArn: this.webAcl.attrArn });
  }
}
