/**
 * Typed errors of the domain. Each sets `name`, which is also the error name Step Functions sees
 * when `process-order` throws it, so the workflow's Retry and Catch rules can match it.
 */
export interface FieldIssue {
  path: string;
  message: string;
}

/** Bad input: becomes a 400 naming the fields. */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  constructor(
    message: string,
    readonly details: FieldIssue[],
  ) {
    super(message);
  }
}

export class UnknownProductError extends ValidationError {
  constructor(productId: string, index: number) {
    super('Unknown product', [{ path: `items.${index}.productId`, message: `No product with id ${JSON.stringify(productId)}` }]);
  }
}

export class OrderNotFoundError extends Error {
  override readonly name = 'OrderNotFoundError';
  constructor(readonly orderId: string) {
    super(`Order ${orderId} not found`);
  }
}

/** A step asked for a status the order cannot move to from where it is (e.g. a late duplicate). */
export class InvalidTransitionError extends Error {
  override readonly name = 'InvalidTransitionError';
  constructor(
    readonly orderId: string,
    readonly from: string,
    readonly to: string,
  ) {
    super(`Order ${orderId} cannot move from ${from} to ${to}`);
  }
}

/**
 * A payment step's answer is for an attempt the order has left behind (a duplicated execution of
 * attempt n, answering after the customer already paid again): it is not recorded.
 */
export class SupersededAttemptError extends Error {
  override readonly name = 'SupersededAttemptError';
  constructor(
    readonly orderId: string,
    readonly attempt: number,
    readonly current: number,
  ) {
    super(`Order ${orderId} is on payment attempt ${current}, not ${attempt}`);
  }
}

/**
 * The provider approved a charge for an attempt the order has left behind: the money was taken and
 * the order does not carry it. The execution fails with this (alarmed, logged with the transaction
 * id) for an operator to refund; it never happens while each attempt is recorded before the next.
 */
export class ChargeOnSupersededAttemptError extends Error {
  override readonly name = 'ChargeOnSupersededAttemptError';
  constructor(orderId: string, attempt: number, transactionId: string) {
    super(`Order ${orderId}: payment attempt ${attempt} was charged (${transactionId}) after the order moved on; refund it`);
  }
}

/** A declined order was paid as often as it may be (`MAX_PAYMENT_ATTEMPTS`): a new order is the way on. */
export class PaymentAttemptsExhaustedError extends Error {
  override readonly name = 'PaymentAttemptsExhaustedError';
  constructor(
    readonly orderId: string,
    readonly attempts: number,
  ) {
    super(`Order ${orderId} has used its ${attempts} payment attempts`);
  }
}

/** The caller's account was deleted (`DELETE /me`); its token is still within its lifetime. */
export class AccountClosedError extends Error {
  override readonly name = 'AccountClosedError';
  constructor() {
    super('This account has been deleted');
  }
}

/** The account placed its limit of orders this minute (`ORDER_RATE`): retry after `retryAfterSeconds`. */
export class OrderRateLimitedError extends Error {
  override readonly name = 'OrderRateLimitedError';
  constructor(
    readonly limit: number,
    readonly retryAfterSeconds: number,
  ) {
    super('Too many orders');
  }
}

/** The same Idempotency-Key was used earlier for a different request. */
export class IdempotencyKeyReusedError extends Error {
  override readonly name = 'IdempotencyKeyReusedError';
  constructor() {
    super('This Idempotency-Key was already used with a different request');
  }
}

/**
 * Lines sent with the price the shopper saw, and the catalog's price is now different: the
 * shopper confirms the current prices before being charged (409). `details` name each line.
 */
export class PriceChangedError extends Error {
  override readonly name = 'PriceChangedError';
  constructor(readonly details: FieldIssue[]) {
    super('Prices changed since the cart was filled; confirm the current prices');
  }
}

/** The request names another customer than the signed-in caller (403). */
export class ForbiddenError extends Error {
  override readonly name = 'ForbiddenError';
  constructor(
    message: string,
    readonly details: FieldIssue[],
  ) {
    super(message);
  }
}

