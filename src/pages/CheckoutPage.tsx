/**
 * Checkout: the form (`CheckoutForm`) first, the order summary beside it on wide screens and folded
 * under one line (its total) above it on a phone, so the first field is in the first screen; the
 * estimated delivery above both. One order per Idempotency-Key.
 * A returning customer finds it filled in from their last order (address, payment method), saved
 * on their account (src/lib/saved-checkout.ts). A guest (`guest`) types their e-mail; the order's
 * answer links to it with its token, which this browser keeps (src/lib/order-access.ts).
 */
import { Heading, Text } from '@aws-amplify/ui-react';
import { formatPrice } from '../../amplify/domain/catalog.ts';
import { DeliveryEstimate } from '../components/DeliveryEstimate.tsx';
import { priceCart } from '../lib/cart.ts';
import { useEffect, useState } from 'react';
import type { CreateOrderRequest } from '../../amplify/domain/order.ts';
import { CartLines } from '../components/CartLines.tsx';
import { currentAccount } from '../auth/account.ts';
import { CheckoutForm } from '../components/CheckoutForm.tsx';
import { EmptyState, PageHeading } from '../components/common.tsx';
import { createOrder } from '../lib/api.ts';
import type { CheckoutForm as Form } from '../lib/checkout.ts';
import { getCustomerId, newIdempotencyKey } from '../lib/customer.ts';
import { rememberOrderToken, tokenOfOrderUrl } from '../lib/order-access.ts';
import { idempotencyKeyFor, rememberPendingOrder } from '../lib/pending-order.ts';
import { handOverPlacedOrder } from '../lib/placed-order.ts';
import { loadSavedCheckout, saveCheckout } from '../lib/saved-checkout.ts';
import { href, navigate } from '../lib/router.ts';
import { useCartLines } from '../lib/app-state.ts';

export default function CheckoutPage({ guest = false }: { guest?: boolean }) {
  const lines = useCartLines();
  const customerId = guest ? '' : getCustomerId();
  // Signed in, name and e-mail come from the account; a guest types them.
  const account = guest ? undefined : currentAccount();
  const [prefill, setPrefill] = useState<Partial<Form>>(() => (account?.name ? { customerName: account.name } : {}));

  useEffect(() => {
    let current = true;
    if (guest) return;
    loadSavedCheckout()
      .then((saved) => {
        // The e-mail is always the account's; the rest is where and how they ordered last time.
        if (current) setPrefill(({ customerName }) => ({ ...saved, customerName: saved.customerName || customerName }));
      })
      .catch(() => undefined); // Without them the form is simply empty.
    return () => {
      current = false;
    };
  }, [guest]);

  const placeOrder = async (request: CreateOrderRequest) => {
    const { orderUrl, ...order } = await createOrder(request, idempotencyKeyFor(JSON.stringify(request), newIdempotencyKey));
    // A guest's order opens with its link's token, kept in this browser for the order page.
    const token = orderUrl && tokenOfOrderUrl(orderUrl);
    if (token) rememberOrderToken(order.orderId, token);
    // The cart stays until the payment is confirmed (see pending-order.ts): a decline keeps it.
    rememberPendingOrder(order.orderId);
    // For the next checkout, on any device; an order never waits for (or fails on) this.
    if (!guest) void saveCheckout(request).catch(() => undefined);
    handOverPlacedOrder(order);
    navigate(href.order(order.orderId));
  };

  if (lines.length === 0) {
    return (
      <>
        <PageHeading title="Checkout">Checkout</PageHeading>
        <EmptyState title="Your cart is empty">
          <Text>
            <a href={href.catalog()}>Browse the shop</a> to add something before checking out.
          </Text>
        </EmptyState>
      </>
    );
  }

  return (
    <>
      <PageHeading title="Checkout">Checkout</PageHeading>
      {guest && (
        <Text className="guest-note">
          Checking out as a guest. <a href={href.signIn(href.checkout())}>Sign in</a> instead to find this order in your account.
        </Text>
      )}
      <DeliveryEstimate />
      <div className="checkout-layout">
        <OrderSummary lines={lines} />
        <CheckoutForm
          lines={lines}
          customerId={customerId}
          prefill={prefill}
          accountEmail={account?.email}
          placeOrder={placeOrder}
        />
      </div>
    </>
  );
}

/** Open beside the form on a wide screen; on a phone one line with the total, opened on demand. */
const WIDE = '(min-width: 48.0625rem)';

function OrderSummary({ lines }: { lines: ReturnType<typeof useCartLines> }) {
  const [open, setOpen] = useState(() => window.matchMedia?.(WIDE).matches ?? true);
  const count = lines.reduce((n, l) => n + l.quantity, 0);
  return (
    <details className="order-summary" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>
        <Heading level={2} id="summary-heading">
          Order summary
        </Heading>{' '}
        <span className="muted">
          ({count} item{count === 1 ? '' : 's'})
        </span>
        <span className="summary-total">{formatPrice(priceCart(lines).totalAmount)}</span>
      </summary>
      <CartLines lines={lines} showDelivery={false} />
      <Text fontSize="small">
        <a href={href.cart()}>Change your cart</a>
      </Text>
    </details>
  );
}
