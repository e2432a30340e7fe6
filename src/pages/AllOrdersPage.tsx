/**
 * Staff: every customer's orders, newest first, filtered by status and order date, with the
 * number of orders per status for the chosen period, or the order with the short number a customer
 * reads out; any order opens its page. Customers never get here (no link, and the page asks for a
 * staff account); the API refuses them anyway.
 */
import { Badge, Button, Flex, SelectField, Text, TextField } from '@aws-amplify/ui-react';
import { useState, type FormEvent } from 'react';
import { ORDER_STATUSES, parseOrderNumber, type OrderStatus } from '../../amplify/domain/order-rules.ts';
import { SignInGate } from '../auth/SignInGate.tsx';
import { EmptyState, ErrorState, LoadingState, PageHeading } from '../components/common.tsx';
import { OrderList } from '../components/OrderList.tsx';
import type { OrderFilters } from '../lib/api.ts';
import { useOrderPages } from '../lib/order-pages.ts';
import { href } from '../lib/router.ts';
import { STATUS_LABELS, STATUS_TONES } from '../lib/status.ts';

const PAGE_SIZE = 20;

export default function AllOrdersPage() {
  return (
    <SignInGate title="All orders" reason="Sign in with a staff account to see every order.">
      {(account) =>
        account.isStaff ? (
          <StaffOrders />
        ) : (
          <>
            <PageHeading title="Page not found">Page not found</PageHeading>
            <EmptyState title="There is nothing at this address">
              <Text>
                <a href={href.orders()}>Your orders</a>
              </Text>
            </EmptyState>
          </>
        )
      }
    </SignInGate>
  );
}

function StaffOrders() {
  const [filters, setFilters] = useState<OrderFilters>({});
  const [draft, setDraft] = useState<OrderFilters>({});
  const [numberDraft, setNumberDraft] = useState('');
  const [numberError, setNumberError] = useState<string>();
  // A new filters object (Apply, Find) loads the first page again.
  const pages = useOrderPages(filters, PAGE_SIZE);
  const { orders, counts, state, error } = pages;

  const apply = (event: FormEvent) => {
    event.preventDefault();
    setNumberDraft('');
    setNumberError(undefined);
    setFilters({ ...draft });
  };
  const find = (event: FormEvent) => {
    event.preventDefault();
    const orderNumber = parseOrderNumber(numberDraft);
    setNumberError(orderNumber ? undefined : 'An order number has 12 letters and digits, like K7QM-2X9D-PB4H');
    if (orderNumber) setFilters({ orderNumber });
  };
  const searching = filters.orderNumber !== undefined;
  const total = counts ? Object.values(counts).reduce((a, b) => a + (b ?? 0), 0) : undefined;

  return (
    <>
      <PageHeading title="All orders">All orders</PageHeading>
      <form onSubmit={find} className="staff-filters" aria-label="Find an order by number" noValidate>
        <Flex wrap="wrap" alignItems="flex-end" gap="small">
          <TextField
            label="Order number"
            name="orderNumber"
            placeholder="K7QM-2X9D-PB4H"
            autoComplete="off"
            spellCheck={false}
            value={numberDraft}
            hasError={numberError !== undefined}
            errorMessage={numberError}
            onChange={(e) => setNumberDraft(e.target.value)}
          />
          <Button type="submit">Find order</Button>
          {searching && (
            <Button variation="link" onClick={() => { setNumberDraft(''); setFilters({ ...draft }); }}>
              Show all orders
            </Button>
          )}
        </Flex>
      </form>
      <form onSubmit={apply} className="staff-filters" aria-label="Filter orders">
        <Flex wrap="wrap" alignItems="flex-end" gap="small">
          <SelectField
            label="Status"
            name="status"
            value={draft.status ?? ''}
            onChange={(e) => setDraft({ ...draft, status: (e.target.value || undefined) as OrderStatus | undefined })}
          >
            <option value="">All statuses</option>
            {ORDER_STATUSES.map((status) => (
              <option key={status} value={status}>
                {STATUS_LABELS[status]}
              </option>
            ))}
          </SelectField>
          <TextField label="From" name="from" type="date" value={draft.from ?? ''} onChange={(e) => setDraft({ ...draft, from: e.target.value || undefined })} />
          <TextField label="To" name="to" type="date" value={draft.to ?? ''} onChange={(e) => setDraft({ ...draft, to: e.target.value || undefined })} />
          <Button type="submit" variation="primary">
            Apply filters
          </Button>
        </Flex>
      </form>
      {counts && !searching && (
        <section aria-label="Orders per status" className="status-counts">
          <Text as="p" fontSize="small">
            {total} order{total === 1 ? '' : 's'} in this period:
          </Text>
          <ul className="status-count-list">
            {ORDER_STATUSES.map((status) => (
              <li key={status} data-testid={`count-${status}`}>
                <Badge variation={STATUS_TONES[status]}>{STATUS_LABELS[status]}</Badge> {counts[status] ?? 0}
              </li>
            ))}
          </ul>
        </section>
      )}
      {state === 'loading' && <LoadingState label="Loading orders…" />}
      {error && <ErrorState title="We could not load the orders" error={error} onRetry={pages.retry} />}
      {state !== 'loading' && !error && orders.length === 0 && (
        <EmptyState title={searching ? `No order has the number ${filters.orderNumber}` : 'No orders match these filters'} />
      )}
      <OrderList pages={pages} caption="Orders, newest first" rowTestId="staff-order-row" detail={{ header: 'Customer', cell: (order) => order.customerEmail }} />
    </>
  );
}
