/** "Add to cart" with feedback in view: the toast says what happened, including when a limit applied. */
import { cartState } from './app-state.ts';
import { ORDER_LIMITS } from '../../amplify/domain/order-rules.ts';
import { href } from './router.ts';
import { showToast } from './toast.ts';

export function addWithFeedback(product: { productId: string; name: string }, quantity = 1): void {
  const result = cartState.add(product.productId, quantity);
  const viewCart = { label: 'View cart', href: href.cart() };
  if (result.limited === 'items') {
    showToast(`Your cart already holds ${ORDER_LIMITS.maxItems} different products, the most one order can; remove one to add ${product.name}.`, viewCart);
  } else if (result.limited === 'quantity') {
    showToast(`Your cart now has ${ORDER_LIMITS.maxQuantityPerItem} of ${product.name}, the most one order can hold.`, viewCart);
  } else {
    showToast(quantity === 1 ? `Added ${product.name} to your cart.` : `Added ${quantity} × ${product.name} to your cart.`, viewCart);
  }
}
