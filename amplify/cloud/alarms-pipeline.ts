/**
 * The alarms on orders not moving through the pipeline: the workflow's executions failing, the
 * order queue's oldest message growing old, messages in the dead-letter queue.
 */
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { alarmOptions, ALARMS, minutes, sum, sumOf, usingMetrics, type AlarmSite } from './alarm-kit.ts';

/** Step Functions executions failed, timed out or aborted > 3 in 10 minutes. */
export function workflowFailuresAlarm(site: AlarmSite, stateMachine: sfn.StateMachine): cloudwatch.Alarm {
  const workflowPeriod = minutes(ALARMS.workflowFailures.periodMinutes);
  const workflowEnds = [
    stateMachine.metricFailed({ period: workflowPeriod, statistic: sum }),
    stateMachine.metricTimedOut({ period: workflowPeriod, statistic: sum }),
    stateMachine.metricAborted({ period: workflowPeriod, statistic: sum }),
  ];
  return new cloudwatch.MathExpression({
    expression: sumOf('w', workflowEnds),
    usingMetrics: usingMetrics('w', workflowEnds),
    period: workflowPeriod,
    label: 'Executions failed, timed out or aborted',
  }).createAlarm(site.scope, 'WorkflowFailuresAlarm', alarmOptions(site, 'workflow-failures', ALARMS.workflowFailures.threshold, `Step Functions executions failed, timed out or aborted > ${ALARMS.workflowFailures.threshold} in ${ALARMS.workflowFailures.periodMinutes} minutes`));
}

/** Orders waiting to start: the order queue's oldest message. */
export function orderQueueAgeAlarm(site: AlarmSite, queue: sqs.IQueue): cloudwatch.Alarm {
  return queue
    .metricApproximateAgeOfOldestMessage({
      period: minutes(ALARMS.orderQueueAgeSeconds.periodMinutes),
      statistic: cloudwatch.Stats.MAXIMUM,
    })
    .createAlarm(site.scope, 'OrderQueueAgeAlarm', alarmOptions(site, 'order-queue-age', ALARMS.orderQueueAgeSeconds.threshold, `The order queue's oldest message is older than ${ALARMS.orderQueueAgeSeconds.threshold} s: orders are not starting`));
}

/** Any message in the dead-letter queue is an order that never started its workflow. */
export function deadLetterAlarm(site: AlarmSite, deadLetterQueue: sqs.IQueue): cloudwatch.Alarm {
  return deadLetterQueue
    .metricApproximateNumberOfMessagesVisible({
      period: minutes(ALARMS.deadLetterMessages.periodMinutes),
      statistic: cloudwatch.Stats.MAXIMUM,
    })
    .createAlarm(site.scope, 'DeadLetterQueueAlarm', alarmOptions(site, 'dead-letter-queue', ALARMS.deadLetterMessages.threshold, 'Order messages in the dead-letter queue'));
}
