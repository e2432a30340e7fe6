/**
 * One order, kept current (live status events when signed in, else polling with back-off until it reaches a final state): its status, what to do next
 * (help and policy links whenever it failed or was cancelled), "Buy it again", and, for staff
 * looking at a customer's order, the staff panel (customer, history, internal note).
 */
import { Alert, Badge, Button, Card, Heading, SelectField, Text } from '@aws-amplify/ui-react';
import type { FormEvent, ReactNode, RefObject } from 'react';
import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { findProduct, formatPrice } from '../../amplify/domain/catalog.ts';
import { CARRIER, deliveryWindow, trackingUrl } from '../../amplify/domain/shipping.ts';
import type { Account } from '../auth/account.ts';
import { countryName } from '../../amplify/domain/countries.ts';
import type { Order } from '../../amplify/domain/order.ts';
import { canCancel, canRetryPayment, HAPPY_PATH, inCancelWindow, isFinal, isGuestOrder, isOrderId, MAX_PAYMENT_ATTEMPTS, orderNumberOf, PAYMENT_METHODS, paymentAttemptOf } from '../../amplify/domain/order-rules.ts';
import { ErrorState, LoadingState, PageHeading } from '../components/common.tsx';
import { CostSummary } from '../components/CostSummary.tsx';
import { StatusTimeline } from '../components/StatusTimeline.tsx';
import { cancelOrder, fetchOrder, isCancelError, retryPayment, toStoreError, type StoreError } from '../lib/api.ts';
import { href, navigate } from '../lib/router.ts';
import { CANCELLED_BY_STORE, cancelledByStore, PAYMENT_METHOD_LABELS, STATUS_TONES, statusLabelOf } from '../lib/status.ts';
import { formFromOrder } from '../lib/checkout.ts';
import { CHECKOUT_FORM_KEY, rememberPendingOrder, settlePendingOrder } from '../lib/pending-order.ts';
import { placedOrder, takePlacedOrder } from '../lib/placed-order.ts';
import { cartState } from '../lib/app-state.ts';
import { moneyLine } from '../lib/refund.ts';
import { AFTER_CANCEL_WINDOW_MS, FIRST_POLL_AFTER_CHECKOUT_MS, keepsPolling, pollDelay } from '../lib/timeline.ts';
import { showToast } from '../lib/toast.ts';
import { FALLBACK_POLL, liveChannelOf, watchOrders } from '../lib/live-orders.ts';
import { isNewer, withEvent } from '../../amplify/domain/live-updates.ts';

const StaffOrderPanel = lazy(() => import('./StaffOrderPanel.tsx'));

const formatDate = (iso: string) => new Intl.DateTimeFormat('en-US', { dateStyle: 'long' }).format(new Date(iso));
const formatDateTime = (iso: string) => new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));

/**
 * The order, kept current. Signed in (issue 26): the account's live channel (AppSync Events) is
 * watched; once it is up the order is read once (`GET /orders/{id}`, for what happened before),
 * then every newer status event updates it, with no further request. A guest, or a socket that
 * could not be had or was lost, polls instead: a guest at once, or, for the order the checkout
 * just placed, after showing the POST's answer for `FIRST_POLL_AFTER_CHECKOUT_MS`; then 1 s, 1.5x
 * longer each time nothing changed (max 10 s; after a lost socket `FALLBACK_POLL`, slower), until
 * shipped or final and no refund is owed (`keepsPolling`).
 */
function useLiveOrder(orderId: string, account: Account | undefined) {
  const [order, setOrder] = useState<Order | undefined>(() => placedOrder(orderId));
  const [error, setError] = useState<StoreError>();
  const [retry, setRetry] = useState(0);
  const lastStatus = useRef<string>();
  const stopPolling = useRef<() => void>();
  const channel = liveChannelOf(account);
  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    /** `live`: events keep the order current (no polling); `fallback`: the socket failed, poll slowly. */
    let mode: 'poll' | 'live' | 'fallback' = 'poll';
    let unwatch: (() => void) | undefined;
    const stop = () => {
      controller.abort();
      unwatch?.();
      if (timer) clearTimeout(timer);
    };
    stopPolling.current = stop;
    const schedule = (delayMs: number) => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void tick(), delayMs);
    };
    const tick = async () => {
      try {
        const next = await fetchOrder(orderId, { signal: controller.signal });
        if (controller.signal.aborted) return;
        // An event newer than this read (it raced the request) is kept.
        setOrder((shown) => (shown && mode === 'live' && isNewer(shown, next) && shown.orderId === next.orderId ? shown : next));
        setError(undefined);
        settlePendingOrder(next.orderId, next.status);
        if (next.status !== lastStatus.current) attempt = 0;
        lastStatus.current = next.status;
        if (mode === 'live') return;
        if (!keepsPolling(next)) {
          // Held for its cancel window: one more look once it has closed (the order ships then).
          if (inCancelWindow(next)) schedule(Date.parse(next.cancellableUntil!) - Date.now() + AFTER_CANCEL_WINDOW_MS);
          return;
        }
      } catch (e) {
        if (controller.signal.aborted || isCancelError(e)) return;
        const storeError = toStoreError(e);
        setError(storeError);
        if (storeError.status === 404 || storeError.status === 400) return;
        if (mode === 'live') return schedule(pollDelay(attempt++, FALLBACK_POLL));
      }
      schedule(mode === 'fallback' ? pollDelay(attempt++, FALLBACK_POLL) : pollDelay(attempt++));
    };
    // Just placed at checkout: the POST's answer is shown, and the first GET waits for the workflow.
    const placed = takePlacedOrder(orderId);
    if (placed) {
      setOrder(placed);
      lastStatus.current = placed.status;
    }
    if (channel) {
      unwatch = watchOrders(channel, {
        onReady: () => {
          mode = 'live';
          void tick();
        },
        onEvent: (event) => {
          if (event.orderId !== orderId) return;
          setOrder((shown) => (shown && isNewer(event, shown) ? withEvent(shown, event) : shown));
          settlePendingOrder(event.orderId, event.status);
        },
        onFailure: () => {
          if (controller.signal.aborted) return;
          mode = 'fallback';
          attempt = 0;
          schedule(0);
        },
      });
    } else if (placed) schedule(FIRST_POLL_AFTER_CHECKOUT_MS);
    else void tick();
    return stop;
  }, [orderId, retry, channel]);
  /**
   * An answer from elsewhere (a cancel, staff's refund): a poll still in flight must not bring back
   * the old status; polling (or watching) starts again while the answer still has a step to come (a refund owed).
   */
  const replace = (next: Order) => {
    stopPolling.current?.();
    lastStatus.current = next.status;
    setOrder(next);
    if (keepsPolling(next) || channel) setRetry((n) => n + 1);
  };
  return { order, error, retry: () => setRetry((n) => n + 1), replace };
}

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
 * "Buy it again": the order's lines, at today's prices (the cart holds products and quantities;
 * prices always come from the catalog), added to what the cart holds; products no longer sold are
 * left out and the cart page says how many. Returns what was added.
 */
export function buyAgain(order: Pick<Order, 'items'>): { added: number; unavailable: number } {
  let added = 0;
  let unavailable = 0;
  for (const item of order.items) {
    if (!findProduct(item.productId)) {
      unavailable++;
      continue;
    }
    cartState.add(item.productId, item.quantity);
    added++;
  }
  return { added, unavailable };
}

function BuyAgain({ order }: { order: Order }) {
  const onClick = () => {
    const { added, unavailable } = buyAgain(order);
    navigate(href.cart());
    const left = unavailable ? ` ${unavailable === 1 ? 'One product is' : `${unavailable} products are`} no longer sold.` : '';
    showToast({ page: href.cart(), text: `Added ${added === 1 ? '1 product' : `${added} products`} from this order to your cart, at today's prices.${left}` });
  };
  return (
    <Button onClick={onClick} className="buy-again">
      Buy it again
    </Button>
  );
}

/** Where to turn when an order went wrong: the help and policy pages. */
function HelpLinks() {
  return (
    <Text as="span" display="block" className="help-links">
      <a href={href.policy('help')}>Help</a> · <a href={href.policy('contact')}>Contact us</a> ·{' '}
      <a href={href.policy('returns')}>Returns and refunds</a>
    </Text>
  );
}

/**
 * "Pay again" on a declined order: the payment method (the one used, or another) and one button;
 * the same order goes back to pending and the page follows it. Once the attempts are used up,
 * "Start a new order" takes the items and details back to checkout. The order's lines are
 * remembered as pending again, so a payment that now succeeds takes them out of the cart.
 */
function PayAgain({ order, onPaid }: { order: Order; onPaid: (order: Order) => void }) {
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

const day = new Intl.DateTimeFormat('en-US', { weekday: 'short', month: 'short', day: 'numeric' });

/**
 * The thank-you moment, on the order page the checkout opens: the order number, what happens
 * next, where the e-mail goes, and until when the order can be cancelled. Shown for that visit
 * only (a later visit is the plain order page).
 */
function ThankYou({ order, number, guest }: { order: Order; number: string; guest: boolean }) {
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

function WhatNext({ order, number, onChanged }: { order: Order; number: string; onChanged: (order: Order) => void }) {
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

/** "Cancel order" while the order has not shipped, with a confirm step; the answer replaces the order shown. */
/**
 * Keyboard focus never drops to the page: asking moves it to "Yes, cancel order", "Keep order"
 * back to "Cancel order", and a cancellation to the status heading (the button is gone).
 */
function CancelOrder({ order, onCancelled, statusHeading }: { order: Order; onCancelled: (order: Order) => void; statusHeading: RefObject<HTMLHeadingElement> }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<StoreError>();
  const askButton = useRef<HTMLButtonElement>(null);
  const confirmButton = useRef<HTMLButtonElement>(null);
  const asked = useRef(false);
  useEffect(() => {
    if (!asked.current) return;
    (confirming ? confirmButton : askButton).current?.focus();
  }, [confirming]);
  if (!canCancel(order.status)) return null;
  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const cancelled = await cancelOrder(order.orderId);
      asked.current = false;
      onCancelled(cancelled);
      statusHeading.current?.focus();
    } catch (e) {
      setError(toStoreError(e));
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };
  const ask = (next: boolean) => {
    asked.current = true;
    setConfirming(next);
  };
  return (
    <div className="cancel-order">
      {confirming ? (
        <div role="group" aria-label="Confirm cancellation">
          <Text as="span" display="block">
            Cancel this order? Nothing will be shipped, and a payment already taken is refunded.
          </Text>
          <div className="failure-actions">
            <Button ref={confirmButton} variation="primary" colorTheme="error" size="small" isLoading={busy} loadingText="Cancelling…" onClick={() => void confirm()}>
              Yes, cancel order
            </Button>
            <Button size="small" onClick={() => ask(false)} isDisabled={busy}>
              Keep order
            </Button>
          </div>
        </div>
      ) : (
        <>
          <Button ref={askButton} size="small" onClick={() => ask(true)}>
            Cancel order
          </Button>
          {inCancelWindow(order) && (
            <Text as="span" fontSize="small" className="muted cancel-until" data-testid="cancel-until">
              {' '}
              You can cancel until {formatDateTime(order.cancellableUntil!)}; it ships then.
            </Text>
          )}
        </>
      )}
      {error && (
        <Text fontSize="small" className="warning-text" role="alert">
          {error.status === 409 ? 'This order has already shipped and can no longer be cancelled.' : error.message}
        </Text>
      )}
    </div>
  );
}

function Detail({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="detail">
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

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
  const statusHeading = useRef<HTMLHeadingElement>(null);
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

  const final = isFinal(order.status);
  const number = order.orderNumber ?? orderNumberOf(order.orderId);
  const failed = order.status === 'PAYMENT_FAILED' || order.status === 'SHIPMENT_FAILED' || order.status === 'CANCELLED' || order.status === 'OUT_OF_STOCK';
  const a = order.shippingAddress;
  return (
    <>
      {heading}
      <Text className="order-id">
        Order <strong data-testid="order-number">{number}</strong> · placed {formatDateTime(order.orderDate)}
      </Text>
      {justPlaced && !staffView && HAPPY_PATH.includes(order.status) && <ThankYou order={order} number={number} guest={!account && isGuestOrder(order)} />}
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
        {!staffView && <WhatNext order={order} number={number} onChanged={replace} />}
        <CancelOrder order={order} onCancelled={replace} statusHeading={statusHeading} />
        {!staffView && order.status !== 'PAYMENT_FAILED' && order.status !== 'PENDING' && <BuyAgain order={order} />}
      </section>
      {staffView && (
        <Suspense fallback={<LoadingState label="Loading the staff view…" />}>
          <StaffOrderPanel order={order} onChanged={replace} />
        </Suspense>
      )}
      <div className="order-columns">
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
