/**
 * The order pipeline after the API: the order queue and its dead-letter queue, the notification
 * topic, the state machine, and the one-time schedules (delivery confirmation, the cancel window's
 * shipment). Plain data.
 */

export const ORDER_QUEUE = {
  localName: 'order-queue',
  visibilityTimeoutSeconds: 300,
  retentionPeriodSeconds: 14 * 24 * 60 * 60,
  receiveWaitTimeSeconds: 20,
  /** Receives before a message is moved to the dead-letter queue. */
  maxReceiveCount: 5,
  /** Messages handed to one `order-starter` invocation. */
  batchSize: 10,
  /**
   * At most this many order-starter invocations at once (the SQS event source's
   * `MaximumConcurrency`, 2-1000): a burst of orders queues up instead of taking the account's
   * Lambda concurrency (1,000 by default, shared with every other function) from other apps. Each
   * invocation starts up to `batchSize` executions in well under a second.
   */
  maxConcurrency: 5,
  deadLetter: {
    localName: 'order-dlq',
    retentionPeriodSeconds: 14 * 24 * 60 * 60,
  },
} as const;

export const NOTIFICATION_TOPIC = {
  localName: 'order-notifications',
  displayName: 'Order notifications',
} as const;

export const STATE_MACHINE = {
  localName: 'order-workflow',
  /**
   * Express: payment, shipment and e-mail take seconds; Express bills requests and duration, not
   * state transitions. It has no execution-name deduplication and no DescribeExecution: the
   * order's conditional status updates and the idempotent steps make a duplicated start harmless.
   */
  type: 'EXPRESS',
  /** Express executions end after at most 5 minutes: an older start cannot still be running. */
  maxDurationMinutes: 5,
  /** Placeholder in the ASL file replaced by the process-order function's ARN. */
  processOrderArnPlaceholder: 'ProcessOrderFunctionArn',
} as const;

/**
 * The one-time EventBridge Scheduler schedule per shipped order that confirms its delivery at the
 * estimated delivery date (`amplify/functions/process-order/delivery-schedule.ts`).
 */
export const DELIVERY_SCHEDULE = {
  /** Schedule name: `<prefix><orderId>` (a second create for the same order is a ConflictException). */
  namePrefix: 'deliver-',
  /** Locally only the default group exists; in AWS each deployment has its own group. */
  localGroupName: 'default',
  /** A schedule is never due sooner than this after its creation (a late re-creation by recovery). */
  minLeadSeconds: 60,
  /**
   * Scheduler's retries of an invocation Lambda did not accept (throttled, unavailable). Scheduler
   * invokes Lambda asynchronously: once Lambda accepts the event, a failing handler is retried by
   * Lambda's own asynchronous retries (2, its default), not these. What is left is the recovery job's.
   */
  retryAttempts: 10,
  maxEventAgeSeconds: 24 * 60 * 60,
} as const;

/**
 * The cancel window: after payment, shipment is arranged only this many seconds later, so the
 * customer can cancel for that long (staff: until it ships). The workflow holds a paid order and
 * a one-time schedule (`ship-<orderId>`, in the delivery schedule group) starts its execution
 * again when the window closes. `CANCEL_WINDOW_SECONDS` sets it (process-order's environment);
 * 0 ships at once.
 */
export const CANCEL_WINDOW = {
  cloudDefaultSeconds: 3600,
  /** `npm start`: long enough to try a cancel, short enough for the demo to deliver quickly. */
  localDefaultSeconds: 20,
  maxSeconds: 7 * 24 * 3600,
  scheduleNamePrefix: 'ship-',
  /** Locally, the execution a shipment schedule starts is named `<orderId>-ship` (AWS names it itself). */
  localExecutionSuffix: '-ship',
} as const;
