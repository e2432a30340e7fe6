/**
 * Staff: every customer's orders, newest first, filtered by status and order date, with the
 * number of orders per status for the chosen period, or the order with the short number a customer
 * reads out, or a customer's orders by their e-mail; any order opens its staff view. The filters
 * live in the address (`#/staff/orders?status=...`): each search is a history entry, so Back
 * returns to the previous list and a link shows the same one. Customers never get here (no link,
 * and the page asks for a staff account); the API refuses them anyway.
 */
import { Badge, Button, Flex, SelectField, Text, TextField } from '@aws-amplify/ui-react';
import { useEffect, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { ORDER_STATUSES, parseOrderNumber, type OrderStatus } from '../../amplify/domain/order-rules.ts';
import { StaffGate } from '../auth/SignInGate.tsx';
import { EmptyState, ErrorState, LoadingState, PageHeading } from '../components/common.tsx';
import { OrderList } from '../components/OrderList.tsx';
import type { OrderFilters } from '../lib/api.ts';
import { useOrderPages, type OrderPages } from '../lib/order-pages.ts';
import { STAFF_CHANNEL } from '../../amplify/domain/live-updates.ts';
import { href, navigate, type StaffFilters } from '../lib/router.ts';
import { STATUS_LABELS, STATUS_TONES } from '../lib/status.ts';

const PAGE_SIZE = 20;

export default function AllOrdersPage({ filters }: { filters: StaffFilters }) {
  return (
    <StaffGate title="All orders" reason="Sign in with a staff account to see every order." back={<a href={href.orders()}>Your orders</a>}>
      {() => <StaffOrders filters={filters} />}
    </StaffGate>
  );
}

/** A valid e-mail address, loosely: the API checks it exactly. */
const looksLikeEmail = (text: string) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text.trim());

function StaffOrders({ filters: fromAddress }: { filters: StaffFilters }) {
  // One object per address, so the list loads again only when the address changes.
  const key = href.allOrders(fromAddress);
  const filters: OrderFilters = useMemo(() => ({ ...fromAddress }), [key]); // eslint-disable-line react-hooks/exhaustive-deps
  const [draft, setDraft] = useState<OrderFilters>({});
  const [numberDraft, setNumberDraft] = useState('');
  const [numberError, setNumberError] = useState<string>();
  const [emailDraft, setEmailDraft] = useState('');
  const [emailError, setEmailError] = useState<string>();
  useEffect(() => {
    const { status, from, to } = fromAddress;
    setDraft({ status, from, to });
    setNumberDraft(fromAddress.orderNumber ?? '');
    setEmailDraft(fromAddress.customerEmail ?? '');
  }, [key]); // eslint-disable-line react-hooks/exhaustive-deps
  // Every order's status changes in place, on staff's channel (live order status, issue 26).
  const pages = useOrderPages(filters, PAGE_SIZE, STAFF_CHANNEL);
  const { orders, counts, state, error } = pages;

  const apply = (event: FormEvent) => {
    event.preventDefault();
    setNumberError(undefined);
    navigate(href.allOrders({ ...draft, ...(emailDraft.trim() ? { customerEmail: emailDraft.trim() } : {}) }));
  };
  const find = (event: FormEvent) => {
    event.preventDefault();
    const orderNumber = parseOrderNumber(numberDraft);
    setNumberError(orderNumber ? undefined : 'An order number has 12 letters and digits, like K7QM-2X9D-PB4H');
    if (orderNumber) navigate(href.allOrders({ orderNumber }));
  };
  const findCustomer = (event: FormEvent) => {
    event.preventDefault();
    const ok = looksLikeEmail(emailDraft);
    setEmailError(ok ? undefined : 'Enter the e-mail address the customer ordered with, like ana@example.com');
    if (ok) navigate(href.allOrders({ ...draft, customerEmail: emailDraft.trim() }));
  };
  const searching = filters.orderNumber !== undefined;

  return (
    <>
      <PageHeading title="All orders">All orders</PageHeading>
      <OrderNumberForm value={numberDraft} error={numberError} onChange={setNumberDraft} onSubmit={find} canShowAll={searching || Boolean(filters.customerEmail)} />
      <CustomerEmailForm value={emailDraft} error={emailError} onChange={setEmailDraft} onSubmit={findCustomer} />
      <StatusFilterForm draft={draft} onChange={setDraft} onSubmit={apply} />
      {filters.customerEmail && !searching && (
        <Text as="p" data-testid="customer-filter">
          Orders of <strong>{filters.customerEmail}</strong>
        </Text>
      )}
      {counts && !searching && <StatusCounts counts={counts} />}
      {state === 'loading' && <LoadingState label="Loading orders…" />}
      {error && <ErrorState title="We could not load the orders" error={error} onRetry={pages.retry} />}
      {state !== 'loading' && !error && orders.length === 0 && <EmptyState title={noOrdersTitle(filters)} />}
      <OrderList pages={pages} caption="Orders, newest first" rowTestId="staff-order-row" detail={{ header: 'Customer', cell: (order) => order.customerEmail }} />
    </>
  );
}

/** What an empty list says: no order with that number, none with that e-mail, or none matching the filters. */
function noOrdersTitle(filters: OrderFilters): string {
  if (filters.orderNumber !== undefined) return `No order has the number ${filters.orderNumber}`;
  return filters.customerEmail ? `No orders with the e-mail ${filters.customerEmail}` : 'No orders match these filters';
}

/** A one-field search form: the value, the message when the value was refused, and the submit. */
interface FieldFormProps {
  value: string;
  error: string | undefined;
  onChange: (value: string) => void;
  onSubmit: (event: FormEvent) => void;
}

/** What a one-field search says: the form's name, its field, its button; `children` after the button. */
interface SearchFormText {
  formLabel: string;
  label: string;
  name: string;
  type?: 'email';
  placeholder: string;
  submitLabel: string;
  children?: ReactNode;
}

function FieldSearchForm({ value, error, onChange, onSubmit, formLabel, label, name, type, placeholder, submitLabel, children }: FieldFormProps & SearchFormText) {
  return (
    <form onSubmit={onSubmit} className="staff-filters" aria-label={formLabel} noValidate>
      <Flex wrap="wrap" alignItems="flex-end" gap="small">
        <TextField
          label={label}
          name={name}
          type={type}
          placeholder={placeholder}
          autoComplete="off"
          spellCheck={false}
          value={value}
          hasError={error !== undefined}
          errorMessage={error}
          onChange={(e) => onChange(e.target.value)}
        />
        <Button type="submit">{submitLabel}</Button>
        {children}
      </Flex>
    </form>
  );
}

/** The search by the short order number a customer reads out; "Show all orders" leaves a search by number or e-mail. */
function OrderNumberForm({ canShowAll, ...form }: FieldFormProps & { canShowAll: boolean }) {
  return (
    <FieldSearchForm {...form} formLabel="Find an order by number" label="Order number" name="orderNumber" placeholder="K7QM-2X9D-PB4H" submitLabel="Find order">
      {canShowAll && (
        <Button variation="link" onClick={() => navigate(href.allOrders())}>
          Show all orders
        </Button>
      )}
    </FieldSearchForm>
  );
}

/** The search for a customer's orders by the e-mail they ordered with. */
function CustomerEmailForm(form: FieldFormProps) {
  return <FieldSearchForm {...form} formLabel="Find a customer's orders by e-mail" label="Customer e-mail" name="customerEmail" type="email" placeholder="ana@example.com" submitLabel="Find customer" />;
}

/** The filters by status and order date, applied together. */
function StatusFilterForm({ draft, onChange, onSubmit }: { draft: OrderFilters; onChange: (draft: OrderFilters) => void; onSubmit: (event: FormEvent) => void }) {
  return (
    <form onSubmit={onSubmit} className="staff-filters" aria-label="Filter orders">
      <Flex wrap="wrap" alignItems="flex-end" gap="small">
        <SelectField
          label="Status"
          name="status"
          value={draft.status ?? ''}
          onChange={(e) => onChange({ ...draft, status: (e.target.value || undefined) as OrderStatus | undefined })}
        >
          <option value="">All statuses</option>
          {ORDER_STATUSES.map((status) => (
            <option key={status} value={status}>
              {STATUS_LABELS[status]}
            </option>
          ))}
        </SelectField>
        <TextField label="From" name="from" type="date" value={draft.from ?? ''} onChange={(e) => onChange({ ...draft, from: e.target.value || undefined })} />
        <TextField label="To" name="to" type="date" value={draft.to ?? ''} onChange={(e) => onChange({ ...draft, to: e.target.value || undefined })} />
        <Button type="submit" variation="primary">
          Apply filters
        </Button>
      </Flex>
    </form>
  );
}

/** How many orders of the period are in each status, and in all. */
function StatusCounts({ counts }: { counts: NonNullable<OrderPages['counts']> }) {
  const total = Object.values(counts).reduce((a, b) => a + (b ?? 0), 0);
  return (
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
  );
}
