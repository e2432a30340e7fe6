/** What the shopper can do next, by the order's status: pay again, where to get help, what was refunded. */
import { Alert, Text } from '@aws-amplify/ui-react';
import type { Order } from '../../../amplify/domain/order.ts';
import { moneyLine } from '../../lib/refund.ts';
import { href } from '../../lib/router.ts';
import { CANCELLED_BY_STORE, cancelledByStore } from '../../lib/status.ts';
import { formatDate } from './dates.ts';
import { PayAgain } from './PayAgain.tsx';

/** Where to turn when an order went wrong: the help and policy pages. */
function HelpLinks() {
  return (
    <Text as="span" display="block" className="help-links">
      <a href={href.policy('help')}>Help</a> · <a href={href.policy('contact')}>Contact us</a> ·{' '}
      <a href={href.policy('returns')}>Returns and refunds</a>
    </Text>
  );
}

/** The alert for a declined, out-of-stock, unshipped, cancelled, refunded or delivered order (nothing for the others). */
export function WhatNext({ order, number, onChanged }: { order: Order; number: string; onChanged: (order: Order) => void }) {
  if (order.status === 'PAYMENT_FAILED') {
    return (
      <Alert variation="error" heading="Your payment was declined" className="failure">
        <Text as="span" display="block">
          {order.failureReason === 'PaymentDeclinedError' ? 'The payment provider declined the payment.' : 'We could not take the payment.'} You have not been
          charged, and nothing ships until the order is paid.
        </Text>
        <PayAgain order={order} onPaid={onChanged} />
        <HelpLinks />
      </Alert>
    );
  }
  if (order.status === 'OUT_OF_STOCK') {
    return (
      <Alert variation="warning" heading="Out of stock" className="failure">
        <Text as="span" display="block">
          By the time we processed your order, we no longer had enough of what you asked for. You have not been charged, and the order is closed.
        </Text>
        <ul data-testid="short-items">
          {(order.shortItems ?? []).map((line) => (
            <li key={line.productId}>
              {line.name}: you asked for {line.quantity}, {line.available === 0 ? 'none is' : `only ${line.available} ${line.available === 1 ? 'is' : 'are'}`} left
            </li>
          ))}
        </ul>
        <HelpLinks />
      </Alert>
    );
  }
  if (order.status === 'SHIPMENT_FAILED') {
    return (
      <Alert variation="error" heading="We could not ship your order" className="failure">
        <Text as="span" display="block">
          We could not arrange the shipment. {moneyLine(order)}
        </Text>
        <Text as="span" display="block">
          Questions? <a href={href.policy('contact')}>Contact customer support</a> with order number <strong>{number}</strong>.
        </Text>
        <HelpLinks />
      </Alert>
    );
  }
  if (order.status === 'CANCELLED') {
    const byStore = cancelledByStore(order);
    const who = byStore ? 'The store' : 'You';
    return (
      <Alert variation="warning" heading={byStore ? CANCELLED_BY_STORE : 'Order cancelled'} className="failure">
        {order.cancelledDate ? `${who} cancelled this order on ${formatDate(order.cancelledDate)}. ` : 'This order was cancelled. '}
        Nothing will be shipped. {moneyLine(order)}
        <HelpLinks />
      </Alert>
    );
  }
  if (order.status === 'REFUNDED') {
    return (
      <Alert variation="info" heading="Order refunded" className="failure">
        <Text as="span" display="block">
          The store refunded this order{order.refundReason ? ` (${order.refundReason})` : ''}. {moneyLine(order)}
        </Text>
        <HelpLinks />
      </Alert>
    );
  }
  if (order.status === 'DELIVERED') {
    return (
      <Alert variation="success" heading="Delivered">
        Your order was delivered{order.deliveryDate ? ` on ${formatDate(order.deliveryDate)}` : ''}. Enjoy!
      </Alert>
    );
  }
  return null;
}
