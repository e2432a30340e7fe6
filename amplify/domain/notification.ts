/** The confirmation e-mail: the order's lines and totals, with the store's name and dates a person reads. */
import { formatPrice, formatShipping, STORE_NAME, TAX_NOTE } from './catalog.ts';
import { cancelledByStore, STATUS_LABELS } from './labels.ts';
import type { Order } from './order.ts';
import { orderNumberOf } from './order-rules.ts';
import { countryName } from './countries.ts';

export interface Confirmation {
  subject: string;
  body: string;
}

/** E-mails are rendered on the server, which does not know the reader's zone: dates say UTC. */
const dateFormat = new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' });
const formatDate = (iso: string) => dateFormat.format(new Date(iso));

function estimatedDelivery(order: Order): string {
  if (order.estimatedDeliveryDays === undefined) return 'once your order ships';
  const days = `${order.estimatedDeliveryDays} business day${order.estimatedDeliveryDays === 1 ? '' : 's'}`;
  return order.estimatedDeliveryDate ? `${days} (by ${formatDate(order.estimatedDeliveryDate)})` : days;
}

export function renderConfirmation(order: Order): Confirmation {
  const a = order.shippingAddress;
  const orderNumber = order.orderNumber ?? orderNumberOf(order.orderId);
  const items = order.items.map((item) => `- ${item.name} x${item.quantity} - ${formatPrice(item.price)}`).join('\n');
  const costs = [
    ...(order.subtotalAmount !== undefined ? [`Subtotal: ${formatPrice(order.subtotalAmount)}`] : []),
    ...(order.shippingAmount !== undefined ? [`Shipping: ${formatShipping(order.shippingAmount)}`] : []),
    `Total Amount: ${formatPrice(order.totalAmount)}`,
  ].join('\n');
  const body = `Order Confirmation - ${STORE_NAME}

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
Estimated Delivery: ${estimatedDelivery(order)}

Thank you for shopping with us!
${STORE_NAME}
`;
  // SNS e-mail subjects: ASCII, at most 100 characters.
  return { subject: `Order Confirmation - ${orderNumber}`, body };
}

/**
 * The e-mail after a compensation: the order was cancelled, or could not be shipped; either way a
 * charge already taken was refunded (`refundId`).
 */
export function renderCompensation(order: Order): Confirmation {
  const orderNumber = order.orderNumber ?? orderNumberOf(order.orderId);
  const cancelled = order.status === 'CANCELLED';
  const what = cancelled ? (cancelledByStore(order) ? 'has been cancelled by the store' : 'has been cancelled') : 'could not be shipped and was refunded';
  const money = order.refundId
    ? `The payment of ${formatPrice(order.totalAmount)} was refunded (refund ${order.refundId}). Depending on your bank it can take a few days to appear.`
    : 'You have not been charged.';
  const body = `${cancelled ? 'Order Cancelled' : 'Order Refunded'} - ${STORE_NAME}

Dear ${order.customerName},

Your order ${orderNumber} of ${formatDate(order.orderDate)} ${what}.
${cancelled ? 'Nothing will be shipped.\n' : ''}
${money}

${STORE_NAME}
`;
  const subject = cancelled ? `Order Cancelled - ${orderNumber}` : `Order Refunded - ${orderNumber}`;
  return { subject, body };
}

/** A sent e-mail as the local outbox records it and the storefront's Mailbox page lists it. */
export interface MailRecord {
  id: string;
  orderId: string;
  subject: string;
  body: string;
  sentAt: string;
}
