/** One order, refreshed with back-off until it reaches a final state. */
import { Alert, Badge, Button, Card, Heading, Text } from '@aws-amplify/ui-react';
import { useEffect, useRef, useState } from 'react';
import { formatPrice } from '../../amplify/domain/catalog.ts';
import type { Order } from '../../amplify/domain/order.ts';
import { ErrorState, LoadingState, PageHeading } from '../components/common.tsx';
import { CostSummary } from '../components/CostSummary.tsx';
import { StatusTimeline } from '../components/StatusTimeline.tsx';
import { fetchOrder, isCancelError, toStoreError, type StoreError } from '../lib/api.ts';
import { href, navigate } from '../lib/router.ts';
import { PAYMENT_METHOD_LABELS, STATUS_LABELS, STATUS_TONES } from '../lib/status.ts';
import { cartStore } from '../lib/store.ts';
import { isFinalStatus, pollDelay } from '../lib/timeline.ts';

const formatDate = (iso: string) => new Intl.DateTimeFormat('en-US', { dateStyle: 'long' }).format(new Date(iso));
const formatDateTime = (iso: string) => new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));

/** Polls `GET /orders/{id}`: 1 s, then 1.5x longer each time nothing changed (max 10 s), until final. */
function useLiveOrder(orderId: string) {
  const [order, setOrder] = useState<Order>();
  const [error, setError] = useState<StoreError>();
  const [retry, setRetry] = useState(0);
  const lastStatus = useRef<string>();
  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    const tick = async () => {
      try {
        const next = await fetchOrder(orderId, { signal: controller.signal });
        if (controller.signal.aborted) return;
        setOrder(next);
        setError(undefined);
        if (next.status !== lastStatus.current) attempt = 0;
        lastStatus.current = next.status;
        if (isFinalStatus(next.status)) return;
      } catch (e) {
        if (controller.signal.aborted || isCancelError(e)) return;
        const storeError = toStoreError(e);
        setError(storeError);
        if (storeError.status === 404 || storeError.status === 400) return;
      }
      timer = setTimeout(() => void tick(), pollDelay(attempt++));
    };
    void tick();
    return () => {
      controller.abort();
      if (timer) clearTimeout(timer);
    };
  }, [orderId, retry]);
  return { order, error, retry: () => setRetry((n) => n + 1) };
}

function WhatNext({ order }: { order: Order }) {
  const reorder = () => {
    cartStore.replace(order.items.map((i) => ({ productId: i.productId, quantity: i.quantity })));
    navigate(href.checkout());
  };
  if (order.status === 'PAYMENT_FAILED') {
    return (
      <Alert variation="error" heading="Payment failed" className="failure">
        <Text as="span" display="block">
          {order.failureReason === 'PaymentDeclinedError'
            ? 'Your payment was declined by the payment provider.'
            : 'We could not process your payment.'}{' '}
          You have not been charged and nothing will be shipped.
        </Text>
        <Text as="span" display="block">
          Check your payment details or choose another payment method, then place the order again.
        </Text>
        <Button onClick={reorder} variation="primary" size="small" marginTop="small">
          Order these items again
        </Button>
      </Alert>
    );
  }
  if (order.status === 'SHIPMENT_FAILED') {
    return (
      <Alert variation="error" heading="Shipment failed" className="failure">
        <Text as="span" display="block">
          Your payment went through, but we could not arrange the shipment.
        </Text>
        <Text as="span" display="block">
          Contact customer support with order number <strong>{order.orderId}</strong>: they will ship it again or refund you
          {order.transactionId ? ` (transaction ${order.transactionId})` : ''}.
        </Text>
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

function Detail({ term, children }: { term: string; children: React.ReactNode }) {
  return (
    <div className="detail">
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

export default function OrderPage({ orderId }: { orderId: string }) {
  const { order, error, retry } = useLiveOrder(orderId);
  const heading = <PageHeading title="Order">Your order</PageHeading>;

  if (!order) {
    return (
      <>
        {heading}
        {error ? (
          <ErrorState
            title={error.status === 404 ? 'We could not find this order' : 'We could not load your order'}
            error={error}
            onRetry={error.status === 404 ? undefined : retry}
          />
        ) : (
          <LoadingState label="Loading your order…" />
        )}
        {error?.status === 404 && (
          <Text>
            See <a href={href.orders()}>your orders</a>.
          </Text>
        )}
      </>
    );
  }

  const final = isFinalStatus(order.status);
  return (
    <>
      {heading}
      <Text className="order-id">
        Order number <code>{order.orderId}</code>, placed {formatDateTime(order.orderDate)}
      </Text>
      <section aria-labelledby="status-heading" className="status-section">
        <Heading level={2} id="status-heading">
          Status{' '}
          <Badge variation={STATUS_TONES[order.status]} data-testid="order-status" className="status-badge">
            {STATUS_LABELS[order.status]}
          </Badge>
        </Heading>
        <p className="visually-hidden" aria-live="polite" role="status">
          Order status: {STATUS_LABELS[order.status]}
        </p>
        <StatusTimeline order={order} />
        {!final && (
          <Text fontSize="small" className="muted" aria-hidden="true">
            This page updates by itself.
          </Text>
        )}
        {error && (
          <Text fontSize="small" className="warning-text" role="status">
            Could not refresh the order ({error.message}); trying again.
          </Text>
        )}
        <WhatNext order={order} />
      </section>
      <div className="order-columns">
        <section aria-labelledby="delivery-heading">
          <Heading level={2} id="delivery-heading">
            Payment and delivery
          </Heading>
          <dl className="details">
            <Detail term="Payment method">{PAYMENT_METHOD_LABELS[order.paymentMethod] ?? order.paymentMethod}</Detail>
            <Detail term="Transaction id">{order.transactionId ? <code>{order.transactionId}</code> : 'Not yet'}</Detail>
            <Detail term="Tracking number">{order.trackingNumber ? <code>{order.trackingNumber}</code> : 'Not yet'}</Detail>
            <Detail term="Estimated delivery">
              {order.estimatedDeliveryDate
                ? formatDate(order.estimatedDeliveryDate)
                : order.estimatedDeliveryDays !== undefined
                  ? `${order.estimatedDeliveryDays} days after shipment`
                  : 'Once shipped'}
            </Detail>
            {order.notificationSentDate && <Detail term="Confirmation e-mail">Sent {formatDateTime(order.notificationSentDate)}</Detail>}
            <Detail term="Ship to">
              <address>
                {order.customerName}
                <br />
                {order.shippingAddress.street}
                <br />
                {order.shippingAddress.city}, {order.shippingAddress.state} {order.shippingAddress.zipCode}
                <br />
                {order.shippingAddress.country}
              </address>
            </Detail>
          </dl>
        </section>
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
      </div>
    </>
  );
}
