/** The thank-you section the order page shows right after checkout. */
import { Heading } from '@aws-amplify/ui-react';
import type { Order } from '../../../amplify/domain/order.ts';
import { canCancel } from '../../../amplify/domain/order-rules.ts';
import { deliveryWindow } from '../../../amplify/domain/shipping.ts';
import { href } from '../../lib/router.ts';
import { formatDateTime } from './dates.ts';

const day = new Intl.DateTimeFormat('en-US', { weekday: 'short', month: 'short', day: 'numeric' });

/**
 * The thank-you moment, on the order page the checkout opens: the order number, what happens
 * next, where the e-mail goes, and until when the order can be cancelled. Shown for that visit
 * only (a later visit is the plain order page).
 */
export function ThankYou({ order, number, guest }: { order: Order; number: string; guest: boolean }) {
  const { earliest, latest } = deliveryWindow(new Date(order.orderDate));
  return (
    <section aria-labelledby="thank-you-heading" className="thank-you" data-testid="thank-you">
      <Heading level={2} id="thank-you-heading">
        Thank you, {order.customerName}: order {number} is placed
      </Heading>
      <ol className="next-steps">
        <li>{order.status === 'PENDING' ? 'We confirm your payment in a moment: this page updates by itself.' : 'Your payment is confirmed.'}</li>
        <li>
          E-mails go to <strong>{order.customerEmail}</strong>: when the payment is confirmed, and when the order ships.
        </li>
        <li>
          It arrives around{' '}
          <strong>{order.estimatedDeliveryDate ? day.format(new Date(order.estimatedDeliveryDate)) : day.formatRange(earliest, latest)}</strong>.
        </li>
        {canCancel(order.status) && (
          <li>
            Changed your mind? Cancel it on this page {order.cancellableUntil ? `until ${formatDateTime(order.cancellableUntil)}` : 'until it ships'}: a payment already
            taken is refunded in full.
          </li>
        )}
        {guest && (
          <li>
            Keep the link in your e-mail to come back to this order. Or <a href={href.signIn(href.orders())}>create an account</a> with{' '}
            {order.customerEmail}: this order then shows in your orders, with any next one.
          </li>
        )}
      </ol>
    </section>
  );
}
