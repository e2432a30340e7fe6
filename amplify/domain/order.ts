/**
 * The order's schemas: the request a customer sends and the record the repository keeps (statuses,
 * transitions and limits are in `order-rules.ts`, which needs no validation library). Imported by the handlers, the local runtime, the storefront and the
 * cloud definition (the API Gateway request model is generated from `createOrderRequestSchema`).
 */
import { z } from 'zod';

import { ORDER_ID_PATTERN, ORDER_LIMITS, ORDER_STATUSES, PAYMENT_METHODS } from './order-rules.ts';

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

/**
 * A customer-visible text field (names, address lines): NFC-normalized and trimmed; it must show
 * something, and may not hide or reorder what it shows. The storefront's checkout validates with
 * this same schema, so it shows the same messages.
 */
export const text = (max: number) =>
  z
    .string()
    .normalize('NFC')
    .trim()
    .min(1, TEXT_MESSAGES.required)
    .max(max, `At most ${max} characters`)
    .refine((value) => !UNPRINTABLE.test(value), TEXT_MESSAGES.unprintable)
    .refine((value) => !BIDI_CONTROLS.test(value), TEXT_MESSAGES.bidi)
    .refine((value) => VISIBLE.test(value.replace(INVISIBLE, '')), TEXT_MESSAGES.invisible);

export const shippingAddressSchema = z.strictObject({
  street: text(200),
  city: text(100),
  state: text(100),
  zipCode: z
    .string()
    .trim()
    .min(3, 'At least 3 characters')
    .max(12, 'At most 12 characters')
    .regex(/^[A-Za-z0-9][A-Za-z0-9 -]*$/, 'Letters, digits, spaces and hyphens only'),
  country: text(60),
});
export type ShippingAddress = z.infer<typeof shippingAddressSchema>;

/** Customer ids are the Cognito `sub` of the account (a UUID); the shape is checked before it is compared. */
export const customerIdSchema = z
  .string()
  .min(1, 'Required')
  .max(64, 'At most 64 characters')
  .regex(/^[A-Za-z0-9_-]+$/, 'Letters, digits, underscores and hyphens only');

/** An order id, in its canonical (lower-case) form: ids are compared as stored. */
export const orderIdSchema = z.string().regex(ORDER_ID_PATTERN, 'Must be an order id (UUID)').toLowerCase();

export const orderLineRequestSchema = z.strictObject({
  productId: z.string().min(1, 'Required').max(64, 'At most 64 characters'),
  quantity: z
    .number('Must be a number')
    .int('Must be a whole number')
    .min(1, 'At least 1')
    .max(ORDER_LIMITS.maxQuantityPerItem, `At most ${ORDER_LIMITS.maxQuantityPerItem}`),
  /** The seed's item shape also names the product and the price the shopper saw: checked against the catalog. */
  name: z.string().max(200, 'At most 200 characters').optional(),
  price: z.number('Must be a number').min(0, 'At least 0').max(1_000_000, 'At most 1000000').optional(),
});

/**
 * What a customer sends to `POST /orders`. Strict: unknown fields (a total, an order id, a status)
 * are rejected, never silently used. Prices come from the catalog on the server; a line's `price`,
 * when sent, must still be the catalog's. `customerId` and `customerEmail` come from the sign-in
 * token; a client built to the seed's order model may send them, and they must then be the token's.
 */
export const createOrderRequestSchema = z.strictObject({
  customerId: customerIdSchema.optional(),
  customerName: text(100),
  customerEmail: z.email('Must be an e-mail address').max(254, 'At most 254 characters').optional(),
  paymentMethod: z.enum(PAYMENT_METHODS, `One of: ${PAYMENT_METHODS.join(', ')}`),
  shippingAddress: shippingAddressSchema,
  items: z
    .array(orderLineRequestSchema, 'Must be a list of items')
    .min(1, 'At least one item')
    .max(ORDER_LIMITS.maxItems, `At most ${ORDER_LIMITS.maxItems} items`)
    .refine((items) => new Set(items.map((i) => i.productId)).size === items.length, 'Each product at most once'),
});
export type CreateOrderRequest = z.infer<typeof createOrderRequestSchema>;

export const orderItemSchema = z.object({
  productId: z.string(),
  name: z.string(),
  quantity: z.number().int(),
  price: z.number(),
});
export type OrderItem = z.infer<typeof orderItemSchema>;

/** The order record as stored in DynamoDB and returned by the API. */
export const orderSchema = z.object({
  orderId: z.string(),
  customerId: z.string(),
  customerName: z.string(),
  customerEmail: z.string(),
  orderDate: z.string(),
  status: z.enum(ORDER_STATUSES),
  /** What the customer pays: `subtotalAmount` + `shippingAmount`. */
  totalAmount: z.number(),
  /** The items alone, and the shipping from `shipping.ts` (absent on orders stored before they existed). */
  subtotalAmount: z.number().optional(),
  shippingAmount: z.number().optional(),
  /** The short number a person reads, derived from the id (`orderNumberOf`). */
  orderNumber: z.string().optional(),
  paymentMethod: z.string(),
  items: z.array(orderItemSchema),
  shippingAddress: shippingAddressSchema,
  updatedAt: z.string(),
  paymentDate: z.string().optional(),
  transactionId: z.string().optional(),
  shipmentDate: z.string().optional(),
  trackingNumber: z.string().optional(),
  estimatedDeliveryDays: z.number().optional(),
  estimatedDeliveryDate: z.string().optional(),
  deliveryDate: z.string().optional(),
  notificationSentDate: z.string().optional(),
  failureReason: z.string().optional(),
});
export type Order = z.infer<typeof orderSchema>;
