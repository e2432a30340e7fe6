/**
 * Live order status (issue 26): an AWS AppSync Events API with one channel namespace, `orders`
 * (amplify/domain/live-updates.ts). Customers connect and subscribe with their user pool tokens;
 * the namespace's onSubscribe handler (amplify/events/orders-channel.ts, APPSYNC_JS) lets each
 * one subscribe to its own channel `/orders/<sub>` and staff to any. Publishing takes IAM, granted
 * to the functions that change an order's status (app-server, process-order) on this namespace
 * only; they publish after each change is stored (amplify/server/publishing-orders.ts).
 *
 * The API's name is within AppSync's 50 characters and unique per deployment (two in one account
 * never share it); AppSync allows 50 Event APIs per account and Region (docs/live-updates.md).
 * Pricing: $1.00 per million operations (connects, publishes, each delivery, subscribes) and
 * $0.08 per million connection minutes (docs/cost.md).
 */
import { Names, Stack } from 'aws-cdk-lib';
import * as appsync from 'aws-cdk-lib/aws-appsync';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { EVENTS_PROTOCOL, LIVE_AUTHORIZATION_TYPE, LIVE_NAMESPACE } from '../domain/live-updates.ts';
import type { EventsOutputs } from '../domain/outputs.ts';
import { bundleOrdersChannelHandler } from '../events/bundle.ts';

/** AppSync's limit on an API's name. */
export const EVENT_API_NAME_MAX_LENGTH = 50;

export interface LiveUpdatesProps {
  readonly userPool: cognito.IUserPool;
  /** The functions that change an order's status: they, and nothing else, may publish. */
  readonly publishers: lambda.Function[];
}

export class LiveUpdates extends Construct {
  readonly api: appsync.EventApi;
  readonly namespace: appsync.ChannelNamespace;
  /** `https://<api>/event`: where the functions publish (`LIVE_EVENTS_URL`). */
  readonly httpUrl: string;
  /** The storefront's `custom.events` (Amplify JS `events`). */
  readonly outputs: EventsOutputs;

  constructor(scope: Construct, id: string, props: LiveUpdatesProps) {
    super(scope, id);
    const userPool = appsync.AppSyncAuthorizationType.USER_POOL;
    const iam = appsync.AppSyncAuthorizationType.IAM;
    this.api = new appsync.EventApi(this, 'Api', {
      // From the construct's path, which holds the deployment's root stack: unique per deployment.
      apiName: Names.uniqueResourceName(this, { maxLength: EVENT_API_NAME_MAX_LENGTH, separator: '-' }),
      authorizationConfig: {
        authProviders: [{ authorizationType: userPool, cognitoConfig: { userPool: props.userPool } }, { authorizationType: iam }],
        connectionAuthModeTypes: [userPool],
        defaultSubscribeAuthModeTypes: [userPool],
        defaultPublishAuthModeTypes: [iam],
      },
    });
    this.namespace = this.api.addChannelNamespace('Orders', {
      channelNamespaceName: LIVE_NAMESPACE,
      code: appsync.Code.fromInline(bundleOrdersChannelHandler()),
      authorizationConfig: { subscribeAuthModeTypes: [userPool], publishAuthModeTypes: [iam] },
    });
    this.httpUrl = `https://${this.api.httpDns}${EVENTS_PROTOCOL.httpPath}`;
    for (const fn of props.publishers) {
      // appsync:EventPublish on this namespace's channels only.
      this.namespace.grantPublish(fn);
    }
    this.outputs = { url: this.httpUrl, aws_region: Stack.of(this).region, default_authorization_type: LIVE_AUTHORIZATION_TYPE };
  }

  /** The storefront's CSP `connect-src` entries: the HTTP and the real-time host. */
  get connectSources(): string[] {
    return [`https://${this.api.httpDns}`, `wss://${this.api.realtimeDns}`];
  }
}
