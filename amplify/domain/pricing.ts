import { centsToAmount, findProduct } from './catalog.ts';
import type { OrderItem } from './order.ts';
import { UnknownProductError } from './errors.ts';

export interface PricedOrder {
  items: OrderItem[];
  totalAmount: number;
}

/**
 * Prices order lines from the catalog, in integer cents so that totals never drift by a
 * floating-point cent. Throws `UnknownProductError` naming the line of a product not sold here.
 */
export function priceOrder(lines: readonly { productId: string; quantity: number }[]): PricedOrder {
  let totalCents = 0;
  const items = lines.map((line, index) => {
    const product = findProduct(line.productId);
    if (!product) throw new UnknownProductError(line.productId, index);
    totalCents += product.priceCents * line.quantity;
    return {
      productId: product.productId,
      name: product.name,
      quantity: line.quantity,
      price: centsToAmount(product.priceCents),
    };
  });
  return { items, totalAmount: centsToAmount(totalCents) };
}
