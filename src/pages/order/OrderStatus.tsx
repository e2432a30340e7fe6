/** The order page's status section: the status badge and timeline, then what to do next (pay again, cancel, buy again). */
import { Badge, Heading, Text } from '@aws-amplify/ui-react';
import { useRef } from 'react';
import type { Order } from '../../../amplify/domain/order.ts';
import { isFinal } from '../../../amplify/domain/order-rules.ts';
import { StatusTimeline } from '../../components/StatusTimeline.tsx';
import type { StoreError } from '../../lib/api.ts';
import { STATUS_TONES, statusLabelOf } from '../../lib/status.ts';
import { BuyAgain } from './BuyAgain.tsx';
import { CancelOrder } from './CancelOrder.tsx';
import { WhatNext } from './WhatNext.tsx';

interface OrderStatusProps {
  order: Order;
  number: string;
  /** The last refresh failed (the order shown is the last one read). */
  error: StoreError | undefined;
  /** Staff looking at a customer's order: no shopper's next steps or "Buy it again" (Cancel stays). */
  staffView: boolean;
  onChanged: (order: Order) => void;
}

export function OrderStatus({ order, number, error, staffView, onChanged }: OrderStatusProps) {
  const statusHeading = useRef<HTMLHeadingElement>(null);
  const final = isFinal(order.status);
  return (
    <section aria-labelledby="status-heading" className="status-section">
      <Heading level={2} id="status-heading" ref={statusHeading} tabIndex={-1} className="status-heading">
        Status{' '}
        <Badge variation={STATUS_TONES[order.status]} data-testid="order-status" className="status-badge">
          {statusLabelOf(order)}
        </Badge>
      </Heading>
      <p className="visually-hidden" aria-live="polite" role="status">
        Order status: {statusLabelOf(order)}
      </p>
      <StatusTimeline order={order} />
      {!final && (
        <Text fontSize="small" className="muted" aria-hidden="true">
          This page updates by itself.
        </Text>
      )}
      {error && (
        <Text fontSize="small" className="warning-text" role="status">
          The latest status could not be loaded; trying again.
        </Text>
      )}
      {!staffView && <WhatNext order={order} number={number} onChanged={onChanged} />}
      <CancelOrder order={order} onCancelled={onChanged} statusHeading={statusHeading} />
      {!staffView && order.status !== 'PAYMENT_FAILED' && order.status !== 'PENDING' && <BuyAgain order={order} />}
    </section>
  );
}
