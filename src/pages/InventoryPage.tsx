/**
 * Staff: every product with its stock (available, reserved by orders not yet shipped, sold), low
 * stock highlighted (at or under the threshold the shop shows "Only N left" from), and a change per
 * product: a new quantity or an adjustment, with the reason kept in the product's history
 * (`PUT /products/{productId}/stock`). A new quantity ("Set to") is sent with the units the row
 * shows (`expected`): if the stock moved since the list was read (orders, another staff member, a
 * list up to 30 s old), the API refuses it (409) with what it holds now, which the row then shows.
 * Customers never get here (no link; the API refuses them too).
 */
import { Button, SelectField, Text, TextField } from '@aws-amplify/ui-react';
import { useEffect, useState, type FormEvent } from 'react';
import { STOCK, stockState } from '../../amplify/domain/inventory.ts';
import { StaffGate } from '../auth/SignInGate.tsx';
import { ErrorDetails, ErrorState, LoadingState, PageHeading } from '../components/common.tsx';
import { changeStock, fetchCatalogStock, fetchProductStock, toStoreError, type StoreError } from '../lib/api.ts';
import { PRODUCTS } from '../lib/products.ts';
import { href } from '../lib/router.ts';
import { setStockLevel } from '../lib/stock.ts';
import type { StockHistoryEntry } from '../../amplify/domain/inventory.ts';

export default function InventoryPage() {
  return (
    <StaffGate title="Inventory" reason="Sign in with a staff account to manage stock." back={<a href={href.catalog()}>Back to the shop</a>}>
      {() => <Inventory />}
    </StaffGate>
  );
}

function Inventory() {
  const [levels, setLevels] = useState<Record<string, number>>();
  const [threshold, setThreshold] = useState<number>(STOCK.lowStockThreshold);
  const [error, setError] = useState<StoreError>();
  const load = () => {
    setError(undefined);
    fetchCatalogStock()
      .then(({ products, lowStockThreshold }) => {
        setLevels(Object.fromEntries(products.map((p) => [p.productId, p.available])));
        setThreshold(lowStockThreshold);
      })
      .catch((e: unknown) => setError(toStoreError(e)));
  };
  useEffect(load, []);
  if (error) return <ErrorState error={error} title="The stock could not be loaded" onRetry={load} />;
  if (!levels) return <LoadingState label="Loading the stock" />;
  const low = PRODUCTS.filter((p) => stockState(levels[p.productId] ?? 0, threshold) !== 'in');
  return (
    <>
      <PageHeading title="Inventory">Inventory</PageHeading>
      <Text role="status" data-testid="low-stock-count">
        {low.length === 0 ? 'No product is low on stock.' : `${low.length} product${low.length === 1 ? ' is' : 's are'} at or under ${threshold} units.`}
      </Text>
      <table className="inventory-table">
        <thead>
          <tr>
            <th scope="col">Product</th>
            <th scope="col">Available</th>
            <th scope="col">Change the stock</th>
          </tr>
        </thead>
        <tbody>
          {PRODUCTS.map((product) => (
            <ProductRow
              key={product.productId}
              productId={product.productId}
              name={product.name}
              available={levels[product.productId] ?? 0}
              low={stockState(levels[product.productId] ?? 0, threshold) !== 'in'}
              onChanged={(available) => {
                setLevels((current) => ({ ...current, [product.productId]: available }));
                setStockLevel(product.productId, available);
              }}
            />
          ))}
        </tbody>
      </table>
    </>
  );
}

function ProductRow({ productId, name, available, low, onChanged }: { productId: string; name: string; available: number; low: boolean; onChanged: (available: number) => void }) {
  const [mode, setMode] = useState<'available' | 'delta'>('delta');
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<StoreError>();
  const [saved, setSaved] = useState<string>();
  const [history, setHistory] = useState<StockHistoryEntry[]>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setError(undefined);
    setSaved(undefined);
    try {
      const n = Number(amount);
      const result = await changeStock(productId, mode === 'available' ? { available: n, expected: available, reason } : { delta: n, reason });
      onChanged(result.available);
      setSaved(`Saved: ${result.change.before} → ${result.change.after}`);
      setAmount('');
      setReason('');
      if (history) setHistory([result.change, ...history]);
    } catch (e) {
      const failure = toStoreError(e);
      // The stock moved since the list was read: the row shows what it holds now, and saving again is over that.
      const now = failure.status === 409 ? (failure.details.find((d) => d.path === 'expected') as { available?: unknown } | undefined)?.available : undefined;
      if (typeof now === 'number') onChanged(now);
      setError(failure);
    } finally {
      setSaving(false);
    }
  };
  const showHistory = async () => {
    try {
      setHistory((await fetchProductStock(productId)).history);
    } catch (e) {
      setError(toStoreError(e));
    }
  };
  return (
    <tr data-low={low} data-testid={`inventory-${productId}`}>
      <th scope="row">
        <a href={href.product(productId)}>{name}</a>
        {history && <StockHistory name={name} history={history} />}
      </th>
      <td>
        <span data-testid={`available-${productId}`}>{available}</span>
        {low && <Text className={available === 0 ? 'stock-note stock-out' : 'stock-note'}>{available === 0 ? 'Out of stock' : 'Low'}</Text>}
      </td>
      <td>
        <form className="inventory-change" onSubmit={submit} aria-label={`Change the stock of ${name}`}>
          <SelectField label="Change" size="small" value={mode} onChange={(e) => setMode(e.target.value as 'available' | 'delta')}>
            <option value="delta">Add or remove</option>
            <option value="available">Set to</option>
          </SelectField>
          <TextField label="Units" size="small" type="number" width="6rem" value={amount} onChange={(e) => setAmount(e.target.value)} isRequired />
          <TextField label="Reason" size="small" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={STOCK.maxReasonLength} isRequired />
          <Button type="submit" size="small" isLoading={saving}>
            Save
          </Button>
          <Button size="small" variation="link" onClick={() => void showHistory()}>
            History
          </Button>
        </form>
        <p role="status">{saved}</p>
        {error && (
          <div role="alert" data-testid={`stock-error-${productId}`}>
            <Text as="span">{error.message}</Text>
            <ErrorDetails error={error} />
          </div>
        )}
      </td>
    </tr>
  );
}

/** A product's stock changes, newest first (each with when, before and after, why and by whom). */
function StockHistory({ name, history }: { name: string; history: StockHistoryEntry[] }) {
  return (
    <ul className="muted" aria-label={`Stock history of ${name}`}>
      {history.length === 0 && <li>No change recorded yet.</li>}
      {history.map((h) => (
        <li key={`${h.at}${h.reason}`}>
          {new Date(h.at).toLocaleString()}: {h.before} → {h.after}, {h.reason} ({h.by})
        </li>
      ))}
    </ul>
  );
}
