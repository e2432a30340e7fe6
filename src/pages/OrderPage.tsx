/**
 * One order, kept current (live status events when signed in, else polling with back-off until it reaches a final state): its status, what to do next
 * (help and policy links whenever it failed or was cancelled), "Buy it again", and, for staff
 * looking at a customer's order, the staff panel (customer, history, internal note).
 * The hook and the page's sections are in ./order/.
 */
import { Text } from '@aws-amplify/ui-react';
import { lazy, Suspense, useState } from 'react';
import type { Account } from '../auth/account.ts';
import { HAPPY_PATH, isGuestOrder, isOrderId, orderNumberOf } from '../../amplify/domain/order-rules.ts';
import { ErrorState, LoadingState, PageHeading } from '../components/common.tsx';
import { href } from '../lib/router.ts';
import { placedOrder } from '../lib/placed-order.ts';
import { formatDateTime } from './order/dates.ts';
import { OrderDetails } from './order/OrderDetails.tsx';
import { OrderStatus } from './order/OrderStatus.tsx';
import { ThankYou } from './order/ThankYou.tsx';
import { useLiveOrder } from './order/useLiveOrder.ts';

const StaffOrderPanel = lazy(() => import('./StaffOrderPanel.tsx'));

export default function OrderPage({ orderId, account }: { orderId: string; account?: Account }) {
  if (!isOrderId(orderId)) {
    // A mistyped or cut-off link: say so without asking the API (and without its developer message).
    return <OrderNotFound>This link does not lead to an order.</OrderNotFound>;
  }
  return <LiveOrder orderId={orderId} account={account} />;
}

/** No order to show (a malformed link, or one this account cannot see): where to look instead. */
function OrderNotFound({ children }: { children: string }) {
  return (
    <>
      <PageHeading title="Order not found">We could not find this order</PageHeading>
      <Text>
        {children} See <a href={href.orders()}>your orders</a>.
      </Text>
    </>
  );
}

function LiveOrder({ orderId, account }: { orderId: string; account?: Account }) {
  const { order, error, retry, replace } = useLiveOrder(orderId, account);
  // Opened by the checkout that just placed it (read before the page's first poll takes the handover).
  const [justPlaced] = useState(() => placedOrder(orderId) !== undefined);
  const declined = order?.status === 'PAYMENT_FAILED';
  // Staff looking at a customer's order see it as staff (their own orders as a customer).
  const staffView = Boolean(account?.isStaff && order && order.customerId !== account.sub);
  const title = staffView ? 'Customer order' : declined ? 'Payment declined' : 'Your order';
  const heading = <PageHeading title={staffView ? 'Customer order' : declined ? 'Payment declined' : 'Order'}>{title}</PageHeading>;

  if (!order) {
    if (error?.status === 404 || error?.status === 400) {
      return <OrderNotFound>It may have been placed from another browser.</OrderNotFound>;
    }
    return (
      <>
        {heading}
        {error ? <ErrorState title="We could not load your order" error={error} onRetry={retry} /> : <LoadingState label="Loading your order…" />}
      </>
    );
  }

  const number = order.orderNumber ?? orderNumberOf(order.orderId);
  return (
    <>
      {heading}
      <Text className="order-id">
        Order <strong data-testid="order-number">{number}</strong> · placed {formatDateTime(order.orderDate)}
      </Text>
      {justPlaced && !staffView && HAPPY_PATH.includes(order.status) && <ThankYou order={order} number={number} guest={!account && isGuestOrder(order)} />}
      <OrderStatus order={order} number={number} error={error} staffView={staffView} onChanged={replace} />
      {staffView && (
        <Suspense fallback={<LoadingState label="Loading the staff view…" />}>
          <StaffOrderPanel order={order} onChanged={replace} />
        </Suspense>
      )}
      <OrderDetails order={order} />
    </>
  );
}
