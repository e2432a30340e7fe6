/** "Pay again" on a declined order, or, once its payment attempts are used up, "Start a new order". */
import { Button, SelectField, Text } from '@aws-amplify/ui-react';
import type { FormEvent } from 'react';
import { useState } from 'react';
import type { Order } from '../../../amplify/domain/order.ts';
import { canRetryPayment, MAX_PAYMENT_ATTEMPTS, PAYMENT_METHODS, paymentAttemptOf } from '../../../amplify/domain/order-rules.ts';
import { retryPayment, toStoreError, type StoreError } from '../../lib/api.ts';
import { cartState } from '../../lib/app-state.ts';
import { formFromOrder } from '../../lib/checkout.ts';
import { CHECKOUT_FORM_KEY, rememberPendingOrder } from '../../lib/pending-order.ts';
import { href, navigate } from '../../lib/router.ts';
import { PAYMENT_METHOD_LABELS } from '../../lib/status.ts';

/** Back to checkout with the same items and the same details: a new order, once this one's attempts are used up. */
function startOver(order: Order) {
  cartState.replace(order.items.map((i) => ({ productId: i.productId, quantity: i.quantity })));
  try {
    sessionStorage.setItem(CHECKOUT_FORM_KEY, JSON.stringify(formFromOrder(order)));
  } catch {
    // The cart is still right; the shopper types the details again.
  }
  navigate(href.checkout());
}

/**
 * "Pay again" on a declined order: the payment method (the one used, or another) and one button;
 * the same order goes back to pending and the page follows it. Once the attempts are used up,
 * "Start a new order" takes the items and details back to checkout. The order's lines are
 * remembered as pending again, so a payment that now succeeds takes them out of the cart.
 */
export function PayAgain({ order, onPaid }: { order: Order; onPaid: (order: Order) => void }) {
  const [method, setMethod] = useState(order.paymentMethod);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<StoreError>();
  const attempt = paymentAttemptOf(order);
  if (!canRetryPayment(order)) {
    return (
      <>
        <Text as="span" display="block">
          The payment was tried {attempt} times, the most one order allows. Your cart still holds these items.
        </Text>
        <div className="failure-actions">
          <Button onClick={() => startOver(order)} variation="primary" size="small">
            Start a new order
          </Button>
        </div>
      </>
    );
  }
  const pay = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const pending = await retryPayment(order.orderId, method);
      rememberPendingOrder(pending.orderId, globalThis.localStorage, pending.items.map((i) => ({ productId: i.productId, quantity: i.quantity })));
      onPaid(pending);
    } catch (e) {
      setError(toStoreError(e));
      setBusy(false);
    }
  };
  return (
    <form className="pay-again" onSubmit={(e) => void pay(e)} aria-label="Pay again">
      <Text as="span" display="block">
        Pay again with the same or another payment method: it stays this order (attempt {attempt + 1} of {MAX_PAYMENT_ATTEMPTS}).
      </Text>
      <SelectField label="Payment method" name="paymentMethod" value={method} onChange={(e) => setMethod(e.target.value)} size="small">
        {PAYMENT_METHODS.map((m) => (
          <option key={m} value={m}>
            {PAYMENT_METHOD_LABELS[m] ?? m}
          </option>
        ))}
      </SelectField>
      <div className="failure-actions">
        <Button type="submit" variation="primary" size="small" isLoading={busy} loadingText="Paying…">
          Pay again
        </Button>
        <a href={href.cart()}>Review your cart</a>
      </div>
      {error && (
        <Text fontSize="small" className="warning-text" role="alert">
          {error.message}
        </Text>
      )}
    </form>
  );
}
