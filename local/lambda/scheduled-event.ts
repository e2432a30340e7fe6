/** The event an EventBridge schedule rule delivers to its target Lambda function. */
import { randomUUID } from 'node:crypto';
import type { ScheduledEvent } from 'aws-lambda';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../shared/aws.ts';

/** A scheduled event of the rule `ruleName`; `detail` is `{}` from a schedule, a run's own settings otherwise. */
export function scheduledEvent<T>(ruleName: string, detail: T): ScheduledEvent<T> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: LOCAL_ACCOUNT,
    time: new Date().toISOString(),
    region: LOCAL_REGION,
    resources: [`arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:rule/${ruleName}`],
    detail,
  };
}
