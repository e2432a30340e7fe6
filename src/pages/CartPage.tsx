import { Text } from '@aws-amplify/ui-react';
import { useEffect, useRef, useState } from 'react';
import { EmptyState, PageHeading } from '../components/common.tsx';
import { CartLines } from '../components/CartLines.tsx';
import { findProduct } from '../../amplify/domain/catalog.ts';
import { href } from '../lib/router.ts';
import { cartState, useCartLines } from '../lib/app-state.ts';
import { useToast } from '../lib/toast.ts';

export default function CartPage() {
  const lines = useCartLines();
  const [announcement, setAnnouncement] = useState('');
  // After Remove, keyboard focus goes to the next line's Remove (or the last one's), or to the
  // heading once the cart is empty: never to the page itself.
  const removedAt = useRef<number>();
  const page = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const index = removedAt.current;
    if (index === undefined) return;
    removedAt.current = undefined;
    const buttons = page.current?.querySelectorAll<HTMLButtonElement>('.remove-button') ?? [];
    const target = buttons[Math.min(index, buttons.length - 1)] ?? page.current?.querySelector<HTMLElement>('.page-heading');
    target?.focus();
  }, [lines]);
  const nameOf = (productId: string) => findProduct(productId)?.name ?? productId;
  // What brought the shopper here, e.g. "Buy it again" (announced by the app's live region).
  const toast = useToast();
  const notice = toast?.page === href.cart() ? toast.text : '';

  return (
    <div ref={page}>
      <PageHeading title="Cart">Your cart</PageHeading>
      <p role="status" className="visually-hidden">
        {announcement}
      </p>
      <p className="announcement" data-testid="cart-notice">
        {notice}
      </p>
      {lines.length === 0 ? (
        <EmptyState title="Your cart is empty">
          <Text>
            <a href={href.catalog()}>Browse the shop</a> to add something.
          </Text>
        </EmptyState>
      ) : (
        <>
          <CartLines
            lines={lines}
           
            onQuantity={(productId, quantity) => {
              cartState.setQuantity(productId, quantity);
              setAnnouncement(`${nameOf(productId)}: quantity ${cartState.getSnapshot().find((l) => l.productId === productId)?.quantity ?? quantity}.`);
            }}
            onRemove={(productId) => {
              removedAt.current = lines.findIndex((l) => l.productId === productId);
              cartState.remove(productId);
              setAnnouncement(`Removed ${nameOf(productId)} from your cart.`);
            }}
          />
          <div className="actions">
            <a href={href.catalog()} className="button-link secondary">
              Keep shopping
            </a>
            <a href={href.checkout()} className="button-link primary">
              Go to checkout
            </a>
          </div>
        </>
      )}
    </div>
  );
}
