/**
 * The messaging box: the order queue and its dead-letter queue, the order notification topic
 * (order events) and the alarm topic, both encrypted with one customer-managed key. Each topic has
 * its own e-mail subscription setting: alarms reach the operator, order events whoever follows them.
 */
import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { EmailKind } from '../domain/notification.ts';
import { NOTIFICATION_TOPIC, ORDER_QUEUE } from '../server/settings/pipeline.ts';

export interface OrderMessagingProps {
  /** Subscribed by e-mail to the order notification topic when set (`NOTIFICATION_EMAIL`). */
  readonly notificationEmail?: string;
  /** The order events that address receives (`NOTIFICATION_EVENTS`): a filter policy on the `type` attribute; `all`: every event. */
  readonly notificationEvents: readonly EmailKind[] | 'all';
  /** Subscribed by e-mail to the alarm topic when set (`ALARM_EMAIL`). */
  readonly alarmEmail?: string;
}

/**
 * Days a deleted stack's key waits before KMS deletes it (7 to 30). The key only encrypts messages
 * in flight on the two topics, none of which outlives the stack, so nothing retained needs it:
 * every deployment schedules its key's deletion with the stack instead of leaving a key ($1 a
 * month) behind for each deleted branch.
 */
export const TOPIC_KEY_PENDING_WINDOW_DAYS = 7;

export class OrderMessaging extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly topicKey: kms.Key;
  readonly topic: sns.Topic;
  readonly alarmTopic: sns.Topic;

  constructor(scope: Construct, id: string, props: OrderMessagingProps) {
    super(scope, id);
    this.deadLetterQueue = new sqs.Queue(this, 'OrderDeadLetterQueue', {
      retentionPeriod: Duration.seconds(ORDER_QUEUE.deadLetter.retentionPeriodSeconds),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.queue = new sqs.Queue(this, 'OrderQueue', {
      visibilityTimeout: Duration.seconds(ORDER_QUEUE.visibilityTimeoutSeconds),
      retentionPeriod: Duration.seconds(ORDER_QUEUE.retentionPeriodSeconds),
      receiveMessageWaitTime: Duration.seconds(ORDER_QUEUE.receiveWaitTimeSeconds),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: ORDER_QUEUE.maxReceiveCount },
    });

    this.topicKey = new kms.Key(this, 'TopicKey', {
      description: 'Encrypts the order notification and alarm topics',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(TOPIC_KEY_PENDING_WINDOW_DAYS),
    });
    // CloudWatch alarms publish to the (encrypted) alarm topic: CloudWatch must be able to use the key.
    this.topicKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    this.topic = new sns.Topic(this, 'NotificationTopic', {
      displayName: NOTIFICATION_TOPIC.displayName,
      masterKey: this.topicKey,
      enforceSSL: true,
    });
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'Order platform alarms',
      masterKey: this.topicKey,
      enforceSSL: true,
    });
    // `enforceSSL` gives the topic a policy, which replaces SNS's default one: without this
    // statement CloudWatch is "not authorized to perform: SNS:Publish" and no alarm ever arrives.
    this.alarmTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*` },
        },
      }),
    );
    if (props.notificationEmail) {
      const events = props.notificationEvents;
      this.topic.addSubscription(
        new subscriptions.EmailSubscription(props.notificationEmail, {
          ...(events === 'all' ? {} : { filterPolicy: { type: sns.SubscriptionFilter.stringFilter({ allowlist: [...events] }) } }),
        }),
      );
    }
    if (props.alarmEmail) this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
  }
}
