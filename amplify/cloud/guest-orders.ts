/**
 * What guest checkout needs in the cloud: the secret guest orders' tokens are derived from
 * (`amplify/server/order-token.ts`), readable by app-server (an order's `orderUrl`) and
 * process-order (its e-mails' links) only. (The functions' variables naming it, the storefront's
 * address and the ID tokens' issuer, are set from their manifests by `OrdersCloud`.)
 *
 * The secret's name is CloudFormation's (unique per stack, so two deployments in one account never
 * collide; Secrets Manager allows 500,000 secrets per Region). $0.40 a month, one read per
 * function instance. Not rotated: the links of an order's e-mails must keep matching its stored
 * hash (see `ORDER_TOKEN_SECRET`).
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ORDER_TOKEN_SECRET } from '../server/settings/api.ts';
import { acknowledge } from './nag.ts';

export interface GuestOrdersProps {
  readonly appServer: lambda.Function;
  readonly processOrder: lambda.Function;
}

export class GuestOrders extends Construct {
  readonly tokenSecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: GuestOrdersProps) {
    super(scope, id);
    this.tokenSecret = new secretsmanager.Secret(this, 'TokenSecret', {
      description: 'Derives guest orders\u2019 access tokens (amplify/server/order-token.ts)',
      generateSecretString: { passwordLength: ORDER_TOKEN_SECRET.length, excludePunctuation: true, includeSpace: false },
      // Deleted with the deployment, even where data is retained: a retained secret would cost $0.40
      // a month forever, and a new deployment makes its own. Links already sent keep working (the
      // orders keep their tokens' hashes); only e-mails a new deployment sends for old orders differ.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    acknowledge(this.tokenSecret, {
      id: 'AwsSolutions-SMG4',
      reason: "Not rotated by design: an order's later e-mails must carry the same token its first one did (the order keeps only the token's hash). See ORDER_TOKEN_SECRET.",
    });
    for (const fn of [props.appServer, props.processOrder]) {
      // GetSecretValue alone (grantRead adds DescribeSecret, which neither calls).
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.tokenSecret.secretArn] }));
    }
  }
}
