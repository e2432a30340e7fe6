/**
 * The customers' e-mail (Amazon SES), present when `MAIL_FROM` is set: the sending identity (a
 * domain identity with Easy DKIM for MAIL_FROM's domain, deleted with the stack, or an
 * existing identity by ARN), a configuration set (SES's suppression of bounced and complaining
 * addresses, reputation metrics) whose bounce and complaint events go to EventBridge, where one
 * rule hands them to process-order (recorded on the order as `emailStatus`), and process-order's
 * `ses:SendEmail` on that identity and configuration set only, from MAIL_FROM's address only.
 */
import { Arn, Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import { SES_EVENT_TYPES } from '../functions/process-order/steps/email-events.ts';
import type { MailSettings } from './settings.ts';

export interface CustomerMailProps {
  readonly mail: MailSettings;
  readonly processOrder: lambda.Function;
}

/** The ARN of the domain identity for `domain` in this stack's account and region (no reference: other stacks may name it). */
export const domainIdentityArn = (scope: Construct, domain: string) =>
  Arn.format({ service: 'ses', resource: 'identity', resourceName: domain }, Stack.of(scope));

export class CustomerMail extends Construct {
  /** Created here when no identity ARN is set. */
  readonly identity?: ses.EmailIdentity;
  readonly identityArn: string;
  readonly configurationSet: ses.ConfigurationSet;
  readonly bounceRule: events.Rule;

  constructor(scope: Construct, id: string, props: CustomerMailProps) {
    super(scope, id);
    const { mail, processOrder } = props;

    // No name: CloudFormation makes one per stack, so deployments never collide.
    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      reputationMetrics: true,
    });
    this.configurationSet.addEventDestination('BouncesAndComplaints', {
      destination: ses.EventDestination.eventBus(events.EventBus.fromEventBusName(this, 'DefaultBus', 'default')),
      events: [ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT],
    });

    if (mail.identityArn) {
      this.identityArn = mail.identityArn;
    } else {
      // One per domain in an account and region: the shop's deployment owns it (other deployments
      // pass its ARN) and deletes it with the stack, so creating the deployment again never meets a
      // leftover identity of that name (its new DKIM tokens are published again).
      this.identity = new ses.EmailIdentity(this, 'Identity', {
        identity: ses.Identity.domain(mail.domain),
        dkimIdentity: ses.DkimIdentity.easyDkim(ses.EasyDkimSigningKeyLength.RSA_2048_BIT),
        dkimSigning: true,
      });
      this.identityArn = domainIdentityArn(this, mail.domain);
    }

    this.bounceRule = new events.Rule(this, 'BounceRule', {
      description: 'SES bounces and complaints of this deployment: recorded on the order (emailStatus)',
      eventPattern: {
        source: ['aws.ses'],
        detailType: Object.keys(SES_EVENT_TYPES),
        detail: { mail: { tags: { 'ses:configuration-set': [this.configurationSet.configurationSetName] } } },
      },
      targets: [new targets.LambdaFunction(processOrder, { retryAttempts: 10, maxEventAge: Duration.hours(24) })],
    });

    processOrder.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [
          this.identityArn,
          Arn.format({ service: 'ses', resource: 'configuration-set', resourceName: this.configurationSet.configurationSetName }, Stack.of(this)),
        ],
        conditions: { StringEquals: { 'ses:FromAddress': mail.fromAddress } },
      }),
    );
  }
}
