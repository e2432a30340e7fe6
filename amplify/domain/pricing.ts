import { centsToAmount, findProduct } from './catalog.ts';
import type { OrderItem } from './order.ts';
import { UnknownProductError } from './errors.ts';
import { shippingCents } from './shipping.ts';

export interface PricedOrder {
  items: OrderItem[];
  /** The items' prices times their quantities. */
  subtotalAmount: number;
  /** From the store's shipping rule (`shipping.ts`). */
  shippingAmount: number;
  /** What the customer pays: subtotal + shipping (the seed's `totalAmount`). */
  totalAmount: number;
}

/**
 * Prices order lines from the catalog, in integer cents so that totals never drift by a
 * floating-point cent. Throws `UnknownProductError` naming the line of a product not sold here.
 */
export function priceOrder(lines: readonly { productId: string; quantity: number }[]): PricedOrder {
  let subtotalCents = 0;
  const items = lines.map((line, index) => {
    const product = findProduct(line.productId);
    if (!product) throw new UnknownProductError(line.productId, index);
    subtotalCents += product.priceCents * line.quantity;
    return {
      productId: product.productId,
      name: product.name,
      quantity: line.quantity,
      price: centsToAmount(product.priceCents),
    };
  });
  const shipping = shippingCents(subtotalCents);
  return {
    items,
    subtotalAmount: centsToAmount(subtotalCents),
    shippingAmount: centsToAmount(shipping),
    totalAmount: centsToAmount(subtotalCents + shipping),
  };
}
