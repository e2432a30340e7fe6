/** "Cancel order" on the order page, with its confirm step. */
import { Button, Text } from '@aws-amplify/ui-react';
import type { RefObject } from 'react';
import { useEffect, useRef, useState } from 'react';
import type { Order } from '../../../amplify/domain/order.ts';
import { canCancel, inCancelWindow } from '../../../amplify/domain/order-rules.ts';
import { cancelOrder, toStoreError, type StoreError } from '../../lib/api.ts';
import { formatDateTime } from './dates.ts';

/**
 * "Cancel order" while the order has not shipped, with a confirm step; the answer replaces the order shown.
 * Keyboard focus never drops to the page: asking moves it to "Yes, cancel order", "Keep order"
 * back to "Cancel order", and a cancellation to the status heading (the button is gone).
 */
export function CancelOrder({ order, onCancelled, statusHeading }: { order: Order; onCancelled: (order: Order) => void; statusHeading: RefObject<HTMLHeadingElement> }) {
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
