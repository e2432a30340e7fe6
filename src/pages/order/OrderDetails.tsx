/** The order page's two columns: payment and delivery (method, tracking, estimate, address), and the items with their costs. */
import { Card, Heading, Text } from '@aws-amplify/ui-react';
import type { ReactNode } from 'react';
import { formatPrice } from '../../../amplify/domain/catalog.ts';
import { countryName } from '../../../amplify/domain/countries.ts';
import type { Order } from '../../../amplify/domain/order.ts';
import { CARRIER, trackingUrl } from '../../../amplify/domain/shipping.ts';
import { CostSummary } from '../../components/CostSummary.tsx';
import { PAYMENT_METHOD_LABELS } from '../../lib/status.ts';
import { formatDate, formatDateTime } from './dates.ts';

function Detail({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="detail">
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

export function OrderDetails({ order }: { order: Order }) {
  return (
    <div className="order-columns">
      <PaymentAndDelivery order={order} />
      <OrderItems order={order} />
    </div>
  );
}

function PaymentAndDelivery({ order }: { order: Order }) {
  const failed = order.status === 'PAYMENT_FAILED' || order.status === 'SHIPMENT_FAILED' || order.status === 'CANCELLED' || order.status === 'OUT_OF_STOCK';
  const a = order.shippingAddress;
  return (
    <section aria-labelledby="delivery-heading">
      <Heading level={2} id="delivery-heading">
        {order.status === 'PAYMENT_FAILED' ? 'Details you gave' : 'Payment and delivery'}
      </Heading>
      <dl className="details">
        <Detail term="Payment method">{PAYMENT_METHOD_LABELS[order.paymentMethod] ?? order.paymentMethod}</Detail>
        {/* Only what happened: no "not yet" rows, and no payment references a shopper cannot use. */}
        {order.trackingNumber && (
          <Detail term="Tracking number">
            <a href={trackingUrl(order.trackingNumber)} target="_blank" rel="noopener noreferrer" className="tracking-link">
              <code>{order.trackingNumber}</code>
              <span className="visually-hidden"> (follow the parcel on {CARRIER.name}'s site, opens in a new tab)</span>
            </a>{' '}
            <Text as="span" fontSize="small" className="muted">
              {CARRIER.name}
            </Text>
          </Detail>
        )}
        {!failed && order.status !== 'DELIVERED' && (order.estimatedDeliveryDate || order.estimatedDeliveryDays !== undefined) && (
          <Detail term="Estimated delivery">
            {order.estimatedDeliveryDate ? formatDate(order.estimatedDeliveryDate) : `${order.estimatedDeliveryDays} days after shipment`}
          </Detail>
        )}
        {order.notificationSentDate && <Detail term="Confirmation e-mail">Sent {formatDateTime(order.notificationSentDate)}</Detail>}
        <Detail term="Ship to">
          <address>
            {order.customerName}
            <br />
            {a.street}
            <br />
            {a.city}, {a.state} {a.zipCode}
            <br />
            {countryName(a.country)}
          </address>
        </Detail>
      </dl>
    </section>
  );
}

function OrderItems({ order }: { order: Order }) {
  return (
    <section aria-labelledby="items-heading">
      <Heading level={2} id="items-heading">
        Items
      </Heading>
      <Card variation="outlined">
        <ul className="order-items">
          {order.items.map((item) => (
            <li key={item.productId}>
              <span>
                {item.quantity} × {item.name}
              </span>
              <span>{formatPrice((Math.round(item.price * 100) * item.quantity) / 100)}</span>
            </li>
          ))}
        </ul>
        <CostSummary subtotalAmount={order.subtotalAmount} shippingAmount={order.shippingAmount} totalAmount={order.totalAmount} />
      </Card>
    </section>
  );
}
