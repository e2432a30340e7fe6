/**
 * What the server-side order logic needs from the outside world, as interfaces (ports). The AWS
 * adapters under `aws/` implement them with DynamoDB, SQS, Step Functions, SES and SNS; `placeOrder`
 * and the handlers take these, so a test or another backing store can supply its own.
 * Type-only imports: a port drags no library into a bundle.
 */
import type { StockChange, StockHistoryEntry, StockLevel } from '../domain/inventory.ts';
import type { EmailKind, EmailStatus, OrderEmail } from '../domain/notification.ts';
import type { Order } from '../domain/order.ts';
import type { DayDelta, StoredDay } from '../domain/stats.ts';
import type { Actor, OrderStatus } from '../domain/order-rules.ts';

/** Which orders a list holds: one customer's (by id or e-mail), one status's, or all; optionally within dates. */
export interface OrderQuery {
  customerId?: string;
  /** The e-mail on the orders (staff's search); not combined with `customerId`. */
  customerEmail?: string;
  status?: OrderStatus;
  /** Inclusive ISO-8601 bounds on `orderDate`. */
  from?: string;
  to?: string;
}

/** Staff's internal note on an order: never shown to the customer. */
export interface StaffNote {
  text: string;
  updatedAt: string;
  /** The staff member's e-mail. */
  updatedBy: string;
}

/** A payment's status change applies to the attempt it answers only (else `SupersededAttemptError`). */
export interface TransitionGuard {
  paymentAttempt: number;
}

/** Attributes a status change may set besides the status itself (its history is the repository's). */
export type StatusAttributes = Partial<Omit<Order, 'orderId' | 'status' | 'updatedAt' | 'history'>>;

/** A page of open orders overdue before a cutoff, and where the next page starts. */
export interface DueOrdersPage {
  orderIds: string[];
  nextKey?: Record<string, unknown>;
}

/** The orders, where every status change is conditional on the status allowed just before it. */
export interface OrderRepository {
  /**
   * Writes a new order unless one with its id exists. Returns the stored order and whether this
   * call created it; an existing order comes with the fingerprint of the request that made it.
   */
  create(order: Order, requestFingerprint?: string, orderTokenHash?: string): Promise<{ order: Order; created: boolean; fingerprint?: string }>;
  get(orderId: string): Promise<Order | undefined>;
  /** The order and, for a guest order, the hash of its token (never part of the order itself). */
  getWithTokenHash(orderId: string): Promise<{ order: Order; orderTokenHash?: string } | undefined>;
  /** Makes the guest orders of one e-mail (`guestCustomerId`) the signed-in customer's; returns their ids. */
  claimGuestOrders(guestCustomerId: string, customerId: string, at: string): Promise<string[]>;
  /** The order, or an `OrderNotFoundError`. */
  require(orderId: string): Promise<Order>;
  /** Orders newest first, `limit` at a time; `position` continues a page this method returned. */
  list(query: OrderQuery & { limit: number; position?: unknown }): Promise<{ orders: Order[]; position?: unknown }>;
  /** The orders carrying a short order number (one, almost always). */
  findByOrderNumber(orderNumber: string): Promise<Order[]>;
  /** How many orders each status holds (one customer's, or all), within the query's dates. */
  countByStatus(query: Omit<OrderQuery, 'status' | 'customerEmail'>): Promise<Record<OrderStatus, number>>;
  /**
   * Moves an order to `to`, only from a status allowed just before it; a step already taken
   * returns the stored order unchanged (`changed: false`), any other refusal throws. A change
   * appends `{ status, at, actor }` to the order's history (`actor`: the system unless given).
   */
  transition(orderId: string, to: OrderStatus, attributes?: StatusAttributes, actor?: Actor, guard?: TransitionGuard): Promise<{ order: Order; changed: boolean }>;
  /** One page of the open orders whose next step was due before `cutoff`, most overdue first. */
  openOrdersDueBefore(cutoff: string, limit: number, startKey?: Record<string, unknown>): Promise<DueOrdersPage>;
  /** Staff's internal note on an order, if any (`OrderNotFoundError` for no order). */
  staffNote(orderId: string): Promise<StaffNote | undefined>;
  /** Replaces the internal note of an existing order (`OrderNotFoundError` for no order). */
  saveStaffNote(orderId: string, note: StaffNote): Promise<StaffNote>;
  /**
   * Pays a declined order again: PAYMENT_FAILED -> PENDING with `paymentMethod` and the next
   * `paymentAttempts`, while attempts are left (else `PaymentAttemptsExhaustedError`); an order
   * already on its way again is returned unchanged (`changed: false`).
   */
  retryPayment(orderId: string, paymentMethod: string, actor: Actor): Promise<{ order: Order; changed: boolean }>;
  /** Records a charge that lost the race to a cancel (only a CANCELLED order takes one); the first wins. */
  recordLateCharge(orderId: string, transactionId: string, paymentDate: string): Promise<Order>;
  /** Records the refund of an order's charge; the first refund recorded wins. */
  recordRefund(orderId: string, refundId: string, refundDate: string): Promise<Order>;
  /** Closes a compensation: records when its e-mail went out; nothing is owed any more. */
  recordCompensation(orderId: string, sentAt: string): Promise<Order>;
  /**
   * Records that the customer's e-mail of `kind` went out (`emailsSent`; the shipped one also sets
   * the original design's `notificationSentDate`, the first date recorded wins).
   */
  recordEmailSent(orderId: string, kind: EmailKind, sentAt: string): Promise<Order>;
  /** Records what SES reported about the customer's address (a bounce, a complaint); the first wins. */
  recordEmailStatus(orderId: string, status: EmailStatus): Promise<Order | undefined>;
  /**
   * Replaces the order's personal data (name, e-mail, address) for a deleted account; items,
   * amounts, dates and statuses stay. Only an order of `customerId`; a second call changes nothing.
   */
  anonymize(orderId: string, customerId: string, at: string): Promise<void>;
  /**
   * Claims one recovery attempt for an open order (at most `maxAttempts`, counted on the order)
   * and makes it due again from `now`; `exhausted` when it used them up, `closed` when it is final,
   * `moving` when it changed since `unchangedSince` (its workflow is still at work).
   */
  claimRecoveryAttempt(
    orderId: string,
    maxAttempts: number,
    now: string,
    unchangedSince?: string,
  ): Promise<{ order: Order; attempt: number } | 'exhausted' | 'closed' | 'moving'>;
}

/** What an Idempotency-Key of `POST /orders` stands for: the order it created, and the request. */
export interface OrderKeyRecord {
  orderId: string;
  fingerprint: string;
}

/** Idempotency-Keys of `POST /orders`, scoped to the caller. */
export interface OrderKeys {
  /** Records `candidate` for the caller's key unless one is recorded; returns the record that holds. */
  claim(callerSub: string, idempotencyKey: string, candidate: OrderKeyRecord): Promise<OrderKeyRecord>;
}

/** The queue that starts an order's workflow (`order-starter` reads it). */
export interface OrderQueue {
  enqueue(orderId: string): Promise<void>;
}

/**
 * Starts the order workflow (Express): every call starts an execution, also under a name already
 * used; the workflow's idempotent steps make a repeat harmless.
 */
export interface WorkflowStarter {
  /**
   * Starts an execution for the order: its first (`attempt` 0, the default), or recovery attempt
   * `attempt` (the recovery job's restart of an order that stopped moving). The attempt is part
   * of the execution's name, so each run can be told apart in the history.
   */
  start(orderId: string, attempt?: number): Promise<void>;
}

/** The customer's e-mail (Amazon SES). */
export interface CustomerMailer {
  send(email: OrderEmail): Promise<{ messageId: string }>;
}

/** An order event on the notification topic, for the shop's operator and integrations (docs/email.md). */
export interface OrderEvent {
  /** `<orderId>/<type>`: the same event published twice (at least once) carries the same id. */
  eventId: string;
  type: EmailKind;
  orderId: string;
  orderNumber: string;
  status: string;
  totalAmount: number;
  occurredAt: string;
  trackingNumber?: string;
  refundId?: string;
}

export interface OrderEventPublisher {
  publish(event: OrderEvent): Promise<{ messageId: string }>;
}

/** An order limit's verdict for one more order: go, or wait `retryAfterSeconds`. */
export type RateVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** At most `limit` orders per account per minute, counted where every instance sees the count. */
export interface OrderRateLimiter {
  /** Orders per account per minute (0: no limit). */
  readonly limit: number;
  /** Counts one order for the account in the current minute, unless that would pass the limit. */
  admit(sub: string, now?: Date): Promise<RateVerdict>;
}

/** Accounts deleted (`DELETE /me`) whose tokens may still be valid: they place no more orders. */
export interface ClosedAccounts {
  /** Remembers the account as deleted for as long as its tokens may be valid (`CLOSED_ACCOUNTS`). */
  close(sub: string, at: Date): Promise<void>;
  isClosed(sub: string, now?: Date): Promise<boolean>;
}

/** An account of the user pool, as exported to its owner. */
export interface Account {
  sub: string;
  /** The pool's attributes (`email`, `email_verified`, `custom:checkout`, ...). */
  attributes: Record<string, string>;
  createdAt?: string;
  enabled: boolean;
  /** Whether the account has TOTP (an authenticator app) set up as a second factor. */
  totp: boolean;
  groups: string[];
}

/** The user pool, as the API needs it (IAM calls: AdminGetUser, AdminListGroupsForUser, AdminDeleteUser). */
export interface Accounts {
  /** The account, or undefined when it does not exist (any more). */
  get(sub: string): Promise<Account | undefined>;
  /** Deletes the account; one already gone is not an error. */
  delete(sub: string): Promise<void>;
}

/** What one line's reservation did: taken now, already held (a repeat), or short (with what is left). */
/** `unrecorded`: the product has no stock item yet (never seeded). */
export type ReserveLineResult = { outcome: 'reserved' } | { outcome: 'already' } | { outcome: 'short'; available: number } | { outcome: 'unrecorded' };

/** An open reservation as the stock item holds it (`<orderId>:<attempt>` → units, since when). */
export interface OpenReservation {
  productId: string;
  reservationKey: string;
  qty: number;
  at: string;
}

/**
 * Stock per product. Every change of a count is one conditional update of the product's stock
 * item, which also records or removes the order's reservation on it: a repeat finds the
 * reservation already there (or gone) and changes nothing.
 */
export interface StockLedger {
  /**
   * Each product's stock; a product without a stock item is absent. `consistent: false` (the
   * catalog's display) reads at half the price and may be a second old.
   */
  levels(productIds: readonly string[], options?: { consistent?: boolean }): Promise<Map<string, StockLevel>>;
  /** Takes `qty` units for the reservation unless fewer are available or it is already held. */
  reserve(productId: string, reservationKey: string, qty: number, at: string): Promise<ReserveLineResult>;
  /** Gives the reservation's `qty` units back to `available`; false when it was not held (already released or sold). */
  release(productId: string, reservationKey: string, qty: number): Promise<boolean>;
  /** Turns the reservation into a sale (`sold` += qty); false when it was not held. */
  sell(productId: string, reservationKey: string, qty: number): Promise<boolean>;
  /** Every open reservation of the products. */
  openReservations(productIds: readonly string[]): Promise<OpenReservation[]>;
  /** True when every one of the products holds the reservation (one consistent read of their stock items). */
  holds(productIds: readonly string[], reservationKey: string): Promise<boolean>;
  /** Writes a stock item with `available` for the product unless it has one; true when written. */
  seed(productId: string, available: number, at: string): Promise<boolean>;
  /**
   * Staff's change (a new quantity or an adjustment), kept in the product's history; never below 0
   * (`StockBelowZeroError`); a new quantity with `expected` only while the stock holds that many (`StockMovedError`).
   */
  change(productId: string, change: StockChange, by: string, at: string): Promise<{ level: StockLevel; entry: StockHistoryEntry }>;
  /** The product's stock history, newest first. */
  history(productId: string, limit: number): Promise<StockHistoryEntry[]>;
}

/** The shop's per-day counters (issue 27, `amplify/domain/stats.ts`). */
export interface StatsStore {
  /** The time zone the days are counted in. */
  readonly timeZone: string;
  /** Adds one status change's counts to its day (one write, not idempotent: call it once per change). */
  add(delta: DayDelta): Promise<void>;
  /** The stored days from `from` to `to` (inclusive, `YYYY-MM-DD`); days nothing happened on are absent. */
  days(from: string, to: string): Promise<StoredDay[]>;
}

/** Live order status (issue 26): an order's state, published on its channels (AWS AppSync Events) after it is stored. */
export interface OrderStatusPublisher {
  /** Publishes the order's status event; throws when it could not (the caller logs it and goes on). */
  publish(order: Order): Promise<void>;
}
