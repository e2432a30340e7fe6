/** "Add to cart" with feedback beside the button: what happened, including when a limit applied. */
import { cartState } from './app-state.ts';
import { ORDER_LIMITS } from '../../amplify/domain/order-rules.ts';
import { href } from './router.ts';
import { showToast } from './toast.ts';

export function addWithFeedback(product: { productId: string; name: string }, quantity = 1): void {
  const result = cartState.add(product.productId, quantity);
  const feedback = { source: product.productId, action: { label: 'View cart', href: href.cart() } };
  if (result.limited === 'items') {
    showToast({
      ...feedback,
      text: `Your cart already holds ${ORDER_LIMITS.maxItems} different products, the most one order can; remove one to add ${product.name}.`,
      short: `Cart full (${ORDER_LIMITS.maxItems} products)`,
    });
  } else if (result.limited === 'quantity') {
    showToast({
      ...feedback,
      text: `Your cart now has ${ORDER_LIMITS.maxQuantityPerItem} of ${product.name}, the most one order can hold.`,
      short: `${ORDER_LIMITS.maxQuantityPerItem} in cart, the most`,
    });
  } else {
    showToast({ ...feedback, text: quantity === 1 ? `Added ${product.name} to your cart.` : `Added ${quantity} × ${product.name} to your cart.`, short: 'Added to cart' });
  }
}
