import { Text } from '@aws-amplify/ui-react';
import { useState } from 'react';
import { EmptyState, PageHeading } from '../components/common.tsx';
import { CartLines } from '../components/CartLines.tsx';
import { findProduct } from '../../amplify/domain/catalog.ts';
import { href } from '../lib/router.ts';
import { cartState, useCartLines } from '../lib/app-state.ts';

export default function CartPage() {
  const lines = useCartLines();
  const [announcement, setAnnouncement] = useState('');
  const nameOf = (productId: string) => findProduct(productId)?.name ?? productId;

  return (
    <>
      <PageHeading title="Cart">Your cart</PageHeading>
      <p role="status" className="visually-hidden">
        {announcement}
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
    </>
  );
}
