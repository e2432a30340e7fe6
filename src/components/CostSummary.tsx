/** Subtotal, shipping and total, as the server computes them (`priceOrder`), with the tax note. */
import { centsToFreeShipping } from '../../amplify/domain/shipping.ts';
import { formatPrice, formatShipping, TAX_NOTE } from '../../amplify/domain/catalog.ts';

interface Props {
  subtotalAmount?: number | undefined;
  shippingAmount?: number | undefined;
  totalAmount: number;
  /** In the cart and checkout: how much more ships free. */
  showFreeShippingHint?: boolean;
}

export function CostSummary({ subtotalAmount, shippingAmount, totalAmount, showFreeShippingHint = false }: Props) {
  const missing = subtotalAmount === undefined ? 0 : centsToFreeShipping(Math.round(subtotalAmount * 100));
  return (
    <div className="cost-summary">
      <dl className="costs">
        {subtotalAmount !== undefined && (
          <div>
            <dt>Subtotal</dt>
            <dd data-testid="subtotal">{formatPrice(subtotalAmount)}</dd>
          </div>
        )}
        {shippingAmount !== undefined && (
          <div>
            <dt>Shipping</dt>
            <dd data-testid="shipping">{formatShipping(shippingAmount)}</dd>
          </div>
        )}
        <div className="cost-total">
          <dt>Total</dt>
          <dd data-testid="cart-total">{formatPrice(totalAmount)}</dd>
        </div>
      </dl>
      {showFreeShippingHint && missing > 0 && subtotalAmount !== undefined && subtotalAmount > 0 && (
        <p className="hint">Add {formatPrice(missing / 100)} more for free shipping.</p>
      )}
      <p className="hint">{TAX_NOTE}</p>
    </div>
  );
}
