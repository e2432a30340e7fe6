/**
 * Checkout: the form (`CheckoutForm`) beside the order summary; one order per Idempotency-Key.
 * A returning customer finds it filled in from their last order (address, payment method), saved
 * on their account (src/lib/saved-checkout.ts).
 */
import { Heading, Text } from '@aws-amplify/ui-react';
import { useEffect, useState } from 'react';
import type { CreateOrderRequest } from '../../amplify/domain/order.ts';
import { CartLines } from '../components/CartLines.tsx';
import { currentAccount } from '../auth/account.ts';
import { CheckoutForm } from '../components/CheckoutForm.tsx';
import { EmptyState, PageHeading } from '../components/common.tsx';
import { createOrder } from '../lib/api.ts';
import type { CheckoutForm as Form } from '../lib/checkout.ts';
import { getCustomerId, newIdempotencyKey } from '../lib/customer.ts';
import { idempotencyKeyFor, rememberPendingOrder } from '../lib/pending-order.ts';
import { handOverPlacedOrder } from '../lib/placed-order.ts';
import { loadSavedCheckout, saveCheckout } from '../lib/saved-checkout.ts';
import { href, navigate } from '../lib/router.ts';
import { useCartLines } from '../lib/app-state.ts';

export default function CheckoutPage() {
  const lines = useCartLines();
  const customerId = getCustomerId();
  // Checkout is behind the sign-in gate: name and e-mail come from the account.
  const account = currentAccount();
  const [prefill, setPrefill] = useState<Partial<Form>>(() => (account?.name ? { customerName: account.name } : {}));

  useEffect(() => {
    let current = true;
    loadSavedCheckout()
      .then((saved) => {
        // The e-mail is always the account's; the rest is where and how they ordered last time.
        if (current) setPrefill(({ customerName }) => ({ ...saved, customerName: saved.customerName || customerName }));
      })
      .catch(() => undefined); // Without them the form is simply empty.
    return () => {
      current = false;
    };
  }, []);

  const placeOrder = async (request: CreateOrderRequest) => {
    const order = await createOrder(request, idempotencyKeyFor(JSON.stringify(request), newIdempotencyKey));
    // The cart stays until the payment is confirmed (see pending-order.ts): a decline keeps it.
    rememberPendingOrder(order.orderId);
    // For the next checkout, on any device; an order never waits for (or fails on) this.
    void saveCheckout(request).catch(() => undefined);
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
      <div className="checkout-layout">
        <CheckoutForm
          lines={lines}
          customerId={customerId}
          prefill={prefill}
          accountEmail={account?.email}
          placeOrder={placeOrder}
        />
        <section aria-labelledby="summary-heading" className="order-summary">
          <Heading level={2} id="summary-heading">
            Order summary
          </Heading>
          <CartLines lines={lines} />
          <Text fontSize="small">
            <a href={href.cart()}>Change your cart</a>
          </Text>
        </section>
      </div>
    </>
  );
}
