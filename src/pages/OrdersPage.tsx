/** The signed-in account's orders (on any device), newest first, 10 a page ("Show more" follows `nextToken`). */
import { Text } from '@aws-amplify/ui-react';
import type { Order } from '../../amplify/domain/order.ts';
import type { Account } from '../auth/account.ts';
import { SignInGate } from '../auth/SignInGate.tsx';
import { liveChannelOf } from '../lib/live-orders.ts';
import { EmptyState, ErrorState, LoadingState, PageHeading } from '../components/common.tsx';
import { OrderList } from '../components/OrderList.tsx';
import type { OrderFilters } from '../lib/api.ts';
import { useOrderPages } from '../lib/order-pages.ts';
import { shopProduct } from '../lib/products.ts';
import { href } from '../lib/router.ts';

export const ORDERS_PAGE_SIZE = 10;

/** No filter: the API answers a customer with their own orders (a constant, so the list loads once). */
const ALL_OF_THE_ACCOUNT: OrderFilters = {};
const SHOWN_PICTURES = 3;

/** An order's items at a glance: up to three pictures, then the names with their quantities. */
function OrderItems({ order }: { order: Order }) {
  const count = order.items.reduce((n, i) => n + i.quantity, 0);
  return (
    <div className="order-items-cell">
      <span className="order-thumbs" aria-hidden="true">
        {order.items.slice(0, SHOWN_PICTURES).map((item) => {
          const image = shopProduct(item.productId)?.image;
          return image ? <img key={item.productId} src={image} alt="" width="40" height="30" className="order-thumb" /> : null;
        })}
      </span>
      <span className="order-item-names">
        {order.items.map((item) => (item.quantity > 1 ? `${item.quantity} × ${item.name}` : item.name)).join(', ')}
        <span className="visually-hidden">
          {' '}
          ({count} item{count === 1 ? '' : 's'})
        </span>
      </span>
    </div>
  );
}

export default function OrdersPage() {
  return (
    <SignInGate title="My orders" reason="Sign in to see your orders, on any device.">
      {(account) => <AccountOrders key={account.sub} account={account} />}
    </SignInGate>
  );
}

/** The account's orders (`key` is the account: another account gets a fresh list). */
function AccountOrders({ account }: { account: Account }) {
  // Statuses change in place as the orders move (live order status, issue 26).
  const pages = useOrderPages(ALL_OF_THE_ACCOUNT, ORDERS_PAGE_SIZE, liveChannelOf(account));
  const { orders, state, error } = pages;

  return (
    <>
      <PageHeading title="My orders">My orders</PageHeading>
      <Text className="muted" fontSize="small">
        Your account's orders, newest first.
      </Text>
      {state === 'loading' && <LoadingState label="Loading your orders…" />}
      {error && <ErrorState title="We could not load your orders" error={error} onRetry={pages.retry} />}
      {state !== 'loading' && !error && orders.length === 0 && (
        <EmptyState title="No orders yet">
          <Text>
            When you place an order it shows up here. <a href={href.catalog()}>Start shopping</a>.
          </Text>
        </EmptyState>
      )}
      <OrderList pages={pages} caption="Your orders, newest first" rowTestId="order-row" detail={{ header: 'Items', cell: (order) => <OrderItems order={order} /> }} />
    </>
  );
}
