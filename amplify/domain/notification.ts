/** The confirmation e-mail (seed, section 8). */
import { formatPrice } from './catalog.ts';
import type { Order } from './order.ts';

export interface Confirmation {
  subject: string;
  body: string;
}

export function renderConfirmation(order: Order): Confirmation {
  const a = order.shippingAddress;
  const items = order.items.map((item) => `- ${item.name} x${item.quantity} - ${formatPrice(item.price)}`).join('\n');
  const body = `Order Confirmation - E-commerce Store

Dear ${order.customerName},

Thank you for your order!

Order Details:
--------------
Order ID: ${order.orderId}
Order Date: ${order.orderDate}
Status: ${order.status}

Items:
${items}

Total Amount: ${formatPrice(order.totalAmount)}

Shipping Address:
${a.street}
${a.city}, ${a.state} ${a.zipCode}
${a.country}

Tracking Number: ${order.trackingNumber ?? 'pending'}
Estimated Delivery: ${order.estimatedDeliveryDays ?? '-'} business days

Thank you for shopping with us!
`;
  // SNS e-mail subjects: ASCII, at most 100 characters.
  return { subject: `Order Confirmation - ${order.orderId}`, body };
}
