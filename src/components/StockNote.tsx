/** "Out of stock" or "Only N left" under a product (nothing when there is plenty, or while unknown). */
import { useProductStock } from '../lib/stock.ts';

export function StockNote({ productId }: { productId: string }) {
  const { state, label } = useProductStock(productId);
  if (!label) return null;
  return (
    <p className={`stock-note stock-${state}`} data-testid={`stock-${productId}`}>
      {label}
    </p>
  );
}
