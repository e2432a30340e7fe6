/** "Buy it again" on the order page: the order's lines back into the cart, at today's prices. */
import { Button } from '@aws-amplify/ui-react';
import { findProduct } from '../../../amplify/domain/catalog.ts';
import type { Order } from '../../../amplify/domain/order.ts';
import { cartState } from '../../lib/app-state.ts';
import { href, navigate } from '../../lib/router.ts';
import { showToast } from '../../lib/toast.ts';

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

export function BuyAgain({ order }: { order: Order }) {
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
