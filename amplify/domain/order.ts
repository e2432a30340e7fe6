/**
 * The order's schemas: the request a customer sends and the record the repository keeps (statuses,
 * transitions and limits are in `order-rules.ts`, which needs no validation library). Imported by
 * the handlers, the local runtime, the storefront and the cloud definition (the API Gateway request
 * model is generated from `createOrderRequestSchema`). valibot schemas, applied with `validate()`
 * (validation.ts), which names each failing field.
 */
import * as v from 'valibot';
import { closedObject } from './validation.ts';
import { ACTOR_TYPES, ORDER_ID_PATTERN, ORDER_LIMITS, ORDER_STATUSES, PAYMENT_METHODS, REFUND_STATUSES } from './order-rules.ts';

/**
 * Control characters (C0, C1), unpaired surrogates and U+FFFD (what a decoder puts in place of
 * bytes that were not text): never part of a name or an address.
 */
const UNPRINTABLE = /[\p{Cc}\uFFFD]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;
/** Bidi embedding, override and isolate controls: they make text display in another order than it is stored. */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/u;
/**
 * Characters that draw nothing although some are letters or symbols: default-ignorable code points
 * (U+200B, U+200D, U+2060, U+00AD, U+034F, U+3164, U+180E, LRM, RLM, variation selectors, ...) and
 * the blank braille pattern U+2800.
 */
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\u2800]/gu;
/** A letter, digit, punctuation mark or symbol: something a reader can see. */
const VISIBLE = /[\p{L}\p{N}\p{P}\p{S}]/u;

export const TEXT_MESSAGES = {
  required: 'Required',
  invisible: 'Must contain a letter, digit or symbol',
  unprintable: 'Contains control or invalid characters',
  bidi: 'Contains text direction control characters',
} as const;

const TEXT_TYPE = 'Must be text';

/**
 * A customer-visible text field (names, address lines): NFC-normalized and trimmed; it must show
 * something, and may not hide or reorder what it shows. The storefront's checkout validates with
 * this same schema, so it shows the same messages. (The request body was already decoded as
 * strict UTF-8 by the handler; U+FFFD and lone surrogates are refused here.)
 */
export const text = (max: number) =>
  v.pipe(
    v.string(TEXT_TYPE),
    v.normalize('NFC'),
    v.trim(),
    v.minLength(1, TEXT_MESSAGES.required),
    v.maxLength(max, `At most ${max} characters`),
    v.check((value) => !UNPRINTABLE.test(value), TEXT_MESSAGES.unprintable),
    v.check((value) => !BIDI_CONTROLS.test(value), TEXT_MESSAGES.bidi),
    v.check((value) => VISIBLE.test(value.replace(INVISIBLE, '')), TEXT_MESSAGES.invisible),
  );

export const shippingAddressSchema = closedObject({
  street: text(200),
  city: text(100),
  state: text(100),
  zipCode: v.pipe(
    v.string(TEXT_TYPE),
    v.trim(),
    v.minLength(3, 'At least 3 characters'),
    v.maxLength(12, 'At most 12 characters'),
    v.regex(/^[A-Za-z0-9][A-Za-z0-9 -]*$/, 'Letters, digits, spaces and hyphens only'),
  ),
  country: text(60),
});
export type ShippingAddress = v.InferOutput<typeof shippingAddressSchema>;

/** Customer ids are the Cognito `sub` of the account (a UUID); the shape is checked before it is compared. */
export const customerIdSchema = v.pipe(
  v.string(TEXT_TYPE),
  v.minLength(1, 'Required'),
  v.maxLength(64, 'At most 64 characters'),
  v.regex(/^[A-Za-z0-9_-]+$/, 'Letters, digits, underscores and hyphens only'),
);

/** An order id, in its canonical (lower-case) form: ids are compared as stored. */
export const orderIdSchema = v.pipe(v.string(TEXT_TYPE), v.regex(ORDER_ID_PATTERN, 'Must be an order id (UUID)'), v.toLowerCase());

/**
 * An e-mail address as the sign-in accepts it (an apostrophe in the local part is fine, a domain
 * needs a dot and a top-level name of letters). valibot's own `email()` refuses `o'brien@…`.
 */
const EMAIL_PATTERN = /^(?:[A-Za-z0-9_'+-]+\.)*[A-Za-z0-9_'+-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;
const EMAIL_MESSAGE = 'Must be an e-mail address';
export const emailSchema = v.pipe(
  v.string(EMAIL_MESSAGE),
  v.regex(EMAIL_PATTERN, EMAIL_MESSAGE),
  v.maxLength(254, 'At most 254 characters'),
);

const NUMBER_TYPE = 'Must be a number';

export const orderLineRequestSchema = closedObject({
  productId: v.pipe(v.string(TEXT_TYPE), v.minLength(1, 'Required'), v.maxLength(64, 'At most 64 characters')),
  quantity: v.pipe(
    v.number(NUMBER_TYPE),
    v.integer('Must be a whole number'),
    v.minValue(1, 'At least 1'),
    v.maxValue(ORDER_LIMITS.maxQuantityPerItem, `At most ${ORDER_LIMITS.maxQuantityPerItem}`),
  ),
  /** The original design's item shape also names the product and the price the shopper saw: checked against the catalog. */
  name: v.optional(v.pipe(v.string(TEXT_TYPE), v.maxLength(200, 'At most 200 characters'))),
  price: v.optional(v.pipe(v.number(NUMBER_TYPE), v.minValue(0, 'At least 0'), v.maxValue(1_000_000, 'At most 1000000'))),
});

/**
 * What a customer sends to `POST /orders`. Closed: unknown fields (a total, an order id, a status)
 * are rejected, never silently used. Prices come from the catalog on the server; a line's `price`,
 * when sent, must still be the catalog's. `customerId` and `customerEmail` come from the sign-in
 * token; a client built to the original design's order model may send them, and they must then be the token's.
 */
export const createOrderRequestSchema = closedObject({
  customerId: v.optional(customerIdSchema),
  customerName: text(100),
  customerEmail: v.optional(emailSchema),
  paymentMethod: v.picklist(PAYMENT_METHODS, `One of: ${PAYMENT_METHODS.join(', ')}`),
  shippingAddress: shippingAddressSchema,
  items: v.pipe(
    v.array(orderLineRequestSchema, 'Must be a list of items'),
    v.minLength(1, 'At least one item'),
    v.maxLength(ORDER_LIMITS.maxItems, `At most ${ORDER_LIMITS.maxItems} items`),
    v.check((items) => new Set(items.map((i) => i.productId)).size === items.length, 'Each product at most once'),
  ),
});
export type CreateOrderRequest = v.InferOutput<typeof createOrderRequestSchema>;

/** What the customer sends to `POST /orders/{orderId}/payment` to pay a declined order again. */
export const retryPaymentRequestSchema = closedObject({
  paymentMethod: v.picklist(PAYMENT_METHODS, `One of: ${PAYMENT_METHODS.join(', ')}`),
});

/** What staff may send to `POST /orders/{orderId}/refund` (or no body at all): why the order is refunded. */
export const refundOrderRequestSchema = closedObject({
  reason: v.optional(text(200)),
});

export const orderItemSchema = v.object({
  productId: v.string(),
  name: v.string(),
  quantity: v.pipe(v.number(), v.integer()),
  price: v.number(),
});
export type OrderItem = v.InferOutput<typeof orderItemSchema>;

const optionalString = v.optional(v.string());

/** One status change: what the order became, when, and who did it (staff are accountable). */
export const statusChangeSchema = v.object({
  status: v.picklist(ORDER_STATUSES),
  at: v.string(),
  actor: v.object({ type: v.picklist(ACTOR_TYPES), sub: optionalString }),
});
export type StatusChange = v.InferOutput<typeof statusChangeSchema>;

/** The order record as stored in DynamoDB and returned by the API (the original design's order model). */
export const orderSchema = v.object({
  orderId: v.string(),
  customerId: v.string(),
  customerName: v.string(),
  customerEmail: v.string(),
  orderDate: v.string(),
  status: v.picklist(ORDER_STATUSES),
  /** What the customer pays: `subtotalAmount` + `shippingAmount` (seed: `totalAmount`). */
  totalAmount: v.number(),
  /** The items alone, and the shipping from `shipping.ts` (absent on orders stored before they existed). */
  subtotalAmount: v.optional(v.number()),
  shippingAmount: v.optional(v.number()),
  /** The short number a person reads, derived from the id (`orderNumberOf`). */
  orderNumber: optionalString,
  paymentMethod: v.string(),
  /** Which payment attempt the order is on: absent until a declined payment is tried again (then 2, 3). */
  paymentAttempts: v.optional(v.number()),
  items: v.array(orderItemSchema),
  shippingAddress: shippingAddressSchema,
  updatedAt: v.string(),
  paymentDate: optionalString,
  transactionId: optionalString,
  /** Until when the customer can cancel: the payment plus the cancel window; shipment is arranged then. */
  cancellableUntil: optionalString,
  shipmentDate: optionalString,
  trackingNumber: optionalString,
  estimatedDeliveryDays: v.optional(v.number()),
  estimatedDeliveryDate: optionalString,
  deliveryDate: optionalString,
  notificationSentDate: optionalString,
  failureReason: optionalString,
  /** The lines the reservation found short (an OUT_OF_STOCK order): what was asked and what was left. */
  shortItems: v.optional(v.array(v.object({ productId: v.string(), name: v.string(), quantity: v.number(), available: v.number() }))),
  /** When the customer (or staff) cancelled the order. */
  cancelledDate: optionalString,
  /** The payment provider's refund of `transactionId` (shipment failed, cancelled after payment, or returned). */
  refundId: optionalString,
  refundDate: optionalString,
  /** Where the refund stands and how much it gives back: derived (`refundStatusOf`), never stored. */
  refundStatus: v.optional(v.picklist(REFUND_STATUSES)),
  refundAmount: v.optional(v.number()),
  /** Why staff refunded a shipped or delivered order (`POST /orders/{orderId}/refund`). */
  refundReason: optionalString,
  /** When the e-mail telling the customer about the cancellation or failed shipment went out. */
  compensationSentDate: optionalString,
  /** The customer e-mails sent for the order (`EMAIL_KINDS` of notification.ts), each at most once. */
  emailsSent: v.optional(v.array(v.string())),
  /** What SES reported about the customer's address (`bounced`, `complained`): no further e-mail is sent. */
  emailStatus: optionalString,
  /** Every status change, oldest first (absent on orders stored before it was kept). */
  history: v.optional(v.array(statusChangeSchema)),
  /** When the customer's account was deleted and the order's personal data replaced (`DELETE /me`). */
  anonymizedDate: optionalString,
  /** When a customer who signed in with the e-mail of this guest order made it theirs. */
  claimedDate: optionalString,
});
export type Order = v.InferOutput<typeof orderSchema>;
