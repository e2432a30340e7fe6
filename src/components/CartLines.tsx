/** The cart's lines with quantity controls and the costs, priced exactly as the server will. */
import { Button, Flex, Image, Text, TextField, VisuallyHidden } from '@aws-amplify/ui-react';
import { useEffect, useState } from 'react';
import { formatPrice } from '../../amplify/domain/catalog.ts';
import { priceCart, type CartLine } from '../lib/cart.ts';
import { ORDER_LIMITS } from '../../amplify/domain/order-rules.ts';
import { shopProduct } from '../lib/products.ts';
import { href } from '../lib/router.ts';
import { CostSummary } from './CostSummary.tsx';
import { DeliveryEstimate } from './DeliveryEstimate.tsx';
import { useShortLines } from '../lib/stock.ts';

interface Props {
  lines: readonly CartLine[];
  /** Without handlers the lines are read-only (the checkout's summary). */
  onQuantity?: (productId: string, quantity: number) => void;
  onRemove?: (productId: string) => void;
  /** The estimated delivery under the costs (the checkout shows its own, above the form). */
  showDelivery?: boolean;
}

const MAX = ORDER_LIMITS.maxQuantityPerItem;

function QuantityControl({ line, name, onQuantity }: { line: CartLine; name: string; onQuantity: (q: number) => void }) {
  const [text, setText] = useState(String(line.quantity));
  const [note, setNote] = useState<string>();
  useEffect(() => setText(String(line.quantity)), [line.quantity]);
  const commit = (value: string) => {
    const n = Number.parseInt(value, 10);
    if (Number.isFinite(n)) onQuantity(n);
    else setText(String(line.quantity));
  };
  return (
    <div className="quantity-control">
      <Flex alignItems="flex-end" gap="xs">
        <Button size="small" onClick={() => onQuantity(line.quantity - 1)} isDisabled={line.quantity <= 1} aria-label={`Decrease quantity of ${name}`}>
          −
        </Button>
        <TextField
          label={
            <>
              Quantity<VisuallyHidden> of {name}</VisuallyHidden>
            </>
          }
          type="number"
          inputMode="numeric"
          min={1}
          max={MAX}
          size="small"
          width="5.5rem"
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            const n = Number.parseInt(e.target.value, 10);
            // Say so when a typed quantity is more than one order may hold, and what it became.
            setNote(Number.isFinite(n) && n > MAX ? `At most ${MAX} per order: set to ${MAX}.` : undefined);
            if (Number.isFinite(n) && n >= 1) onQuantity(n);
          }}
          onBlur={(e) => commit(e.target.value)}
        />
        <Button size="small" onClick={() => onQuantity(line.quantity + 1)} isDisabled={line.quantity >= MAX} aria-label={`Increase quantity of ${name}`}>
          +
        </Button>
      </Flex>
      <p className="quantity-note" role="status">
        {note}
      </p>
    </div>
  );
}

/** What a short line says: out of stock, or how many are left and by how much it is over. */
const shortText = (quantity: number, available: number) =>
  available === 0 ? 'Out of stock: remove it to order the rest.' : `Only ${available} left: lower the quantity by ${quantity - available}.`;

export function CartLines({ lines, onQuantity, onRemove, showDelivery = true }: Props) {
  const totals = priceCart(lines);
  const short = useShortLines(lines);
  return (
    <div className="cart-lines">
      <ul className="cart-list">
        {totals.items.map((item) => {
          const line = lines.find((l) => l.productId === item.productId);
          if (!line) return null;
          const image = shopProduct(item.productId)?.image ?? `/products/${item.productId}.svg`;
          const lineCents = Math.round(item.price * 100) * item.quantity;
          return (
            <li key={item.productId} className="cart-line" data-testid={`cart-line-${item.productId}`}>
              <Image src={image} alt="" width="64" height="48" className="cart-thumb" />
              <div className="cart-line-main">
                <Text fontWeight="bold" as="p">
                  <a href={href.product(item.productId)}>{item.name}</a>
                </Text>
                <Text fontSize="small" as="p">
                  {formatPrice(item.price)} each
                </Text>
                {short
                  .filter((s) => s.productId === item.productId)
                  .map((s) => (
                    <p key={s.index} className="stock-note stock-short" data-testid={`short-${item.productId}`}>
                      {shortText(line.quantity, s.available)}
                    </p>
                  ))}
              </div>
              {onQuantity ? (
                <QuantityControl line={line} name={item.name} onQuantity={(q) => onQuantity(item.productId, q)} />
              ) : (
                <Text as="p">Qty {item.quantity}</Text>
              )}
              <Text as="p" className="line-total" fontWeight="bold">
                <VisuallyHidden>Line total: </VisuallyHidden>
                {formatPrice(lineCents / 100)}
              </Text>
              {onRemove && (
                <Button size="small" variation="link" onClick={() => onRemove(item.productId)} className="remove-button">
                  Remove<VisuallyHidden> {item.name}</VisuallyHidden>
                </Button>
              )}
            </li>
          );
        })}
      </ul>
      {short.length > 0 && (
        <Text className="warning-text" role="note" data-testid="short-lines">
          {short.length === 1 ? 'One line asks' : `${short.length} lines ask`} for more than we have in stock. Change {short.length === 1 ? 'it' : 'them'} before you pay.
        </Text>
      )}
      {totals.unavailable.length > 0 && (
        <Text className="warning-text" role="note">
          {totals.unavailable.length === 1 ? 'One product in your cart is' : `${totals.unavailable.length} products in your cart are`} no
          longer sold and will not be ordered.
        </Text>
      )}
      <CostSummary subtotalAmount={totals.subtotalAmount} shippingAmount={totals.shippingAmount} totalAmount={totals.totalAmount} showFreeShippingHint />
      {showDelivery && totals.items.length > 0 && <DeliveryEstimate />}
    </div>
  );
}
