import { centsToAmount, findProduct } from './catalog.ts';
import type { OrderItem } from './order.ts';
import { PriceChangedError, UnknownProductError, ValidationError, type FieldIssue } from './errors.ts';
import { shippingCents } from './shipping.ts';

export interface PricedOrder {
  items: OrderItem[];
  /** The items' prices times their quantities. */
  subtotalAmount: number;
  /** From the store's shipping rule (`shipping.ts`). */
  shippingAmount: number;
  /** What the customer pays: subtotal + shipping (the original design's `totalAmount`). */
  totalAmount: number;
}

export interface OrderLine {
  productId: string;
  quantity: number;
  /** The original design's item shape: what the shopper saw, checked against the catalog when given. */
  name?: string;
  price?: number;
}

/**
 * Prices order lines from the catalog, in integer cents so that totals never drift by a
 * floating-point cent. Throws `UnknownProductError` naming the line of a product not sold here,
 * a `ValidationError` for a name that is not the product's, and `PriceChangedError` (every line
 * whose sent price is no longer the catalog's, with the current price) so nobody is charged a
 * price they did not see.
 */
export function priceOrder(lines: readonly OrderLine[]): PricedOrder {
  let subtotalCents = 0;
  const changed: FieldIssue[] = [];
  const items = lines.map((line, index) => {
    const product = findProduct(line.productId);
    if (!product) throw new UnknownProductError(line.productId, index);
    if (line.name !== undefined && line.name !== product.name) {
      throw new ValidationError('Item does not match the catalog', [
        { path: `items.${index}.name`, message: `Product ${product.productId} is ${JSON.stringify(product.name)}` },
      ]);
    }
    if (line.price !== undefined && line.price !== centsToAmount(product.priceCents)) {
      changed.push({ path: `items.${index}.price`, message: `Current price of ${product.productId}: ${centsToAmount(product.priceCents)}` });
    }
    subtotalCents += product.priceCents * line.quantity;
    return {
      productId: product.productId,
      name: product.name,
      quantity: line.quantity,
      price: centsToAmount(product.priceCents),
    };
  });
  if (changed.length > 0) throw new PriceChangedError(changed);
  const shipping = shippingCents(subtotalCents);
  return {
    items,
    subtotalAmount: centsToAmount(subtotalCents),
    shippingAmount: centsToAmount(shipping),
    totalAmount: centsToAmount(subtotalCents + shipping),
  };
}
