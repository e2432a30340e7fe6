/**
 * The customer's e-mails about an order: which kinds an order's state calls for (`emailsDue`) and
 * how each reads (`renderEmail`: a subject, a text part and an HTML part, each with a plain link to
 * the order page). The shipped e-mail keeps the original design's confirmation wording. Rendered on the
 * server, which does not know the reader's zone: dates say UTC.
 */
import { ORDER_TOKEN } from './api.ts';
import { formatPrice, formatShipping, STORE_NAME, TAX_NOTE } from './catalog.ts';
import { countryName } from './countries.ts';
import { cancelledByStore, STATUS_LABELS } from './labels.ts';
import type { Order } from './order.ts';
import { MAX_PAYMENT_ATTEMPTS, orderNumberOf, PAYMENT_DECLINED_REASON } from './order-rules.ts';

/** Each kind is sent at most once per order; the SNS order events carry the same names. */
export const EMAIL_KINDS = ['order-confirmed', 'order-shipped', 'order-delivered', 'payment-declined', 'order-cancelled', 'order-refunded', 'out-of-stock'] as const;
export type EmailKind = (typeof EMAIL_KINDS)[number];
export const isEmailKind = (value: unknown): value is EmailKind => EMAIL_KINDS.includes(value as EmailKind);

/** What SES told us about the customer's address (`emailStatus` on the order): a bounce, a complaint, or a rejected send (e.g. an unverified recipient while the account is in the SES sandbox). No more e-mail once set. */
export const EMAIL_STATUSES = ['bounced', 'complained', 'rejected'] as const;
export type EmailStatus = (typeof EMAIL_STATUSES)[number];

/** One e-mail to the order's customer. */
export interface OrderEmail {
  kind: EmailKind;
  orderId: string;
  /** The order's customer e-mail (the verified address of the account that placed it). */
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** The kinds an order's current state calls for, in the order they happen. */
export function emailsDue(order: Order): EmailKind[] {
  const { status } = order;
  const due: EmailKind[] = [];
  if (order.transactionId && (status === 'PAYMENT_PROCESSED' || status === 'SHIPPED' || status === 'DELIVERED')) due.push('order-confirmed');
  if (status === 'SHIPPED' || status === 'DELIVERED') due.push('order-shipped');
  if (status === 'DELIVERED') due.push('order-delivered');
  if (status === 'PAYMENT_FAILED' && order.failureReason === PAYMENT_DECLINED_REASON) due.push('payment-declined');
  if (status === 'CANCELLED') due.push('order-cancelled');
  if (status === 'OUT_OF_STOCK') due.push('out-of-stock');
  if (order.refundId) due.push('order-refunded');
  return due;
}

const dateFormat = new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' });
const formatDate = (iso: string) => dateFormat.format(new Date(iso));

function estimatedDelivery(order: Order): string {
  if (order.estimatedDeliveryDays === undefined) return 'once your order ships';
  const days = `${order.estimatedDeliveryDays} business day${order.estimatedDeliveryDays === 1 ? '' : 's'}`;
  return order.estimatedDeliveryDate ? `${days} (by ${formatDate(order.estimatedDeliveryDate)})` : days;
}

/**
 * The order page of the storefront (its hash route, `src/lib/router.ts`); a guest order's link
 * carries its access token after the `#`, which no browser sends to a server (so no CDN or access
 * log holds it).
 */
export function orderPageUrl(storefrontUrl: string, orderId: string, orderToken?: string): string {
  const page = `${storefrontUrl.replace(/\/+$/, '')}/#/orders/${encodeURIComponent(orderId)}`;
  return orderToken === undefined ? page : `${page}?${ORDER_TOKEN.query}=${encodeURIComponent(orderToken)}`;
}

/** The original design's confirmation (section 8), sent once the order has shipped. */
function shippedText(order: Order, orderNumber: string): string {
  const a = order.shippingAddress;
  const items = order.items.map((item) => `- ${item.name} x${item.quantity} - ${formatPrice(item.price)}`).join('\n');
  const costs = [
    ...(order.subtotalAmount !== undefined ? [`Subtotal: ${formatPrice(order.subtotalAmount)}`] : []),
    ...(order.shippingAmount !== undefined ? [`Shipping: ${formatShipping(order.shippingAmount)}`] : []),
    `Total Amount: ${formatPrice(order.totalAmount)}`,
  ].join('\n');
  return `Order Confirmation - ${STORE_NAME}

Dear ${order.customerName},

Thank you for your order!

Order Details:
--------------
Order Number: ${orderNumber}
Order Date: ${formatDate(order.orderDate)}
Status: ${STATUS_LABELS[order.status]}

Items:
${items}

${costs}
${TAX_NOTE}

Shipping Address:
${a.street}
${a.city}, ${a.state} ${a.zipCode}
${countryName(a.country)}

Tracking Number: ${order.trackingNumber ?? 'sent once your order ships'}
Estimated Delivery: ${estimatedDelivery(order)}`;
}

/** Each kind's subject and text (without the link and the signature, which every kind shares). */
const CONTENT: Record<EmailKind, (order: Order, orderNumber: string) => { subject: string; text: string }> = {
  'order-confirmed': (order, n) => ({
    subject: `Order Confirmed - ${n}`,
    text: `Dear ${order.customerName},

We received your payment of ${formatPrice(order.totalAmount)} for order ${n} of ${formatDate(order.orderDate)}.
We are preparing it for shipment and will e-mail you its tracking number once it ships.`,
  }),
  'order-shipped': (order, n) => ({ subject: `Order Confirmation - ${n}`, text: shippedText(order, n) }),
  'order-delivered': (order, n) => ({
    subject: `Order Delivered - ${n}`,
    text: `Dear ${order.customerName},

Your order ${n} was delivered${order.deliveryDate ? ` on ${formatDate(order.deliveryDate)}` : ''}${order.trackingNumber ? ` (tracking number ${order.trackingNumber})` : ''}.
We hope you enjoy it.`,
  }),
  'payment-declined': (order, n) => ({
    subject: `Payment Declined - ${n}`,
    text: `Dear ${order.customerName},

The payment of ${formatPrice(order.totalAmount)} for your order ${n} was declined: you have not been charged, and nothing will be shipped until it is paid.
To try again, open the order page below and choose "Pay again", with the same or another payment method: it stays the same order (an order can be paid up to ${MAX_PAYMENT_ATTEMPTS} times).`,
  }),
  'order-cancelled': (order, n) => ({
    subject: `Order Cancelled - ${n}`,
    text: `Dear ${order.customerName},

Your order ${n} of ${formatDate(order.orderDate)} has been cancelled${cancelledByStore(order) ? ' by the store' : ''}. Nothing will be shipped.
${order.transactionId ? 'Your payment is refunded: a separate e-mail confirms the refund.' : 'You have not been charged.'}`,
  }),
  'out-of-stock': (order, n) => ({
    subject: `Out of Stock - ${n}`,
    text: `Dear ${order.customerName},

We are sorry: by the time your order ${n} of ${formatDate(order.orderDate)} was processed, we no longer had enough of
${(order.shortItems ?? []).map((line) => `- ${line.name}: you asked for ${line.quantity}, ${line.available === 0 ? 'none is' : `only ${line.available} ${line.available === 1 ? 'is' : 'are'}`} left`).join('\n')}
The order is closed and you have not been charged. You are welcome to order again what is in stock.`,
  }),
  'order-refunded': (order, n) => ({
    subject: `Order Refunded - ${n}`,
    text: `Dear ${order.customerName},

${REFUNDED_BECAUSE[order.status]?.(n) ?? `Your order ${n} could not be shipped, and`} was refunded: ${formatPrice(order.totalAmount)} (refund ${order.refundId ?? ''}${order.refundDate ? `, ${formatDate(order.refundDate)}` : ''}).${order.refundReason ? `\nReason: ${order.refundReason}` : ''}
Depending on your bank it can take a few days to appear.`,
  }),
};

/** How the refund e-mail names the order, by why it was refunded (else: its shipment failed). */
const REFUNDED_BECAUSE: Partial<Record<Order['status'], (orderNumber: string) => string>> = {
  CANCELLED: (n) => `Your cancelled order ${n}`,
  REFUNDED: (n) => `Your order ${n}`,
};

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);

/**
 * One subject line: no line breaks or other controls (a name cannot add a header), at most 200
 * characters. SES builds the MIME headers itself; this keeps what we hand it to one line.
 */
export const subjectLine = (value: string) => value.replace(/[\p{Cc}\u2028\u2029\u0085]+/gu, ' ').slice(0, 200);

/**
 * Renders one kind for the order. The HTML part is the text part escaped, in a `<pre>`-like block
 * and with the link as an anchor: no remote image, no style sheet, nothing a name or address can
 * turn into markup. A guest order's link holds its token (`orderToken`), as its `orderUrl` did.
 */
export function renderEmail(kind: EmailKind, order: Order, storefrontUrl: string, orderToken?: string): OrderEmail {
  const orderNumber = order.orderNumber ?? orderNumberOf(order.orderId);
  const { subject, text } = CONTENT[kind](order, orderNumber);
  const link = orderPageUrl(storefrontUrl, order.orderId, orderToken);
  const fullText = `${text}\n\nYour order: ${link}\n\nThank you for shopping with us!\n${STORE_NAME}\n`;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subjectLine(subject))}</title></head>
<body style="font-family:sans-serif;line-height:1.5">
<div style="white-space:pre-wrap">${escapeHtml(text)}</div>
<p><a href="${escapeHtml(link)}">View your order ${escapeHtml(orderNumber)}</a><br>${escapeHtml(link)}</p>
<p>Thank you for shopping with us!<br>${escapeHtml(STORE_NAME)}</p>
</body></html>
`;
  return { kind, orderId: order.orderId, to: order.customerEmail, subject: subjectLine(subject), text: fullText, html };
}

/** A sent e-mail as the local outbox records it and the storefront's Mailbox page lists it. */
export interface MailRecord {
  id: string;
  /** Empty for the user pool's own e-mails (verification codes). */
  orderId: string;
  /** `account` for the user pool's e-mails. */
  kind: EmailKind | 'account';
  to: string;
  from: string;
  subject: string;
  text: string;
  /** Empty when the message had no HTML part. */
  html: string;
  sentAt: string;
}
