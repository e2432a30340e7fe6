/**
 * What staff see under a customer's order: who the customer is (and their other orders), the
 * payment references and where a refund stands, the refund of a shipped or delivered order (a
 * return), the order's history when the order carries one, and the internal note only staff read.
 * Cancel (which refunds a payment taken) is the order page's own button.
 */
import { Button, Heading, Text, TextAreaField, TextField } from '@aws-amplify/ui-react';
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { API_LIMITS } from '../../amplify/domain/api.ts';
import { formatPrice } from '../../amplify/domain/catalog.ts';
import type { Order } from '../../amplify/domain/order.ts';
import { canCancel, canRefund } from '../../amplify/domain/order-rules.ts';
import { ErrorState } from '../components/common.tsx';
import { fetchStaffNote, refundOrder, saveStaffNote, toStoreError, type StaffNote, type StoreError } from '../lib/api.ts';
import { REFUND_LABELS } from '../lib/refund.ts';
import { href } from '../lib/router.ts';

const formatDateTime = (iso: string) => new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));

function Row({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="detail">
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** One event of an order's history, whatever its exact shape: when, what, and who did it. */
interface HistoryEntry {
  at?: string;
  status?: string;
  event?: string;
  action?: string;
  actor?: string | { type?: string; id?: string; email?: string };
  by?: string;
  note?: string;
}

const pick = (entry: HistoryEntry) => entry.event ?? entry.action ?? entry.status ?? 'changed';
const actorOf = (entry: HistoryEntry) => {
  const actor = entry.actor ?? entry.by;
  if (!actor) return undefined;
  return typeof actor === 'string' ? actor : (actor.email ?? [actor.type, actor.id].filter(Boolean).join(' '));
};

export function OrderHistory({ order }: { order: Order }) {
  const history = (order as Order & { history?: unknown }).history;
  if (!Array.isArray(history) || history.length === 0) return null;
  return (
    <section aria-labelledby="history-heading" className="staff-section">
      <Heading level={2} id="history-heading">
        History
      </Heading>
      <ol className="order-history">
        {(history as HistoryEntry[]).map((entry, index) => (
          <li key={index}>
            {entry.at && <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>} <strong>{pick(entry)}</strong>
            {actorOf(entry) && <span className="muted"> by {actorOf(entry)}</span>}
            {entry.note && <span> · {entry.note}</span>}
          </li>
        ))}
      </ol>
    </section>
  );
}

function InternalNote({ orderId }: { orderId: string }) {
  const [note, setNote] = useState<StaffNote>();
  const [text, setText] = useState('');
  const [error, setError] = useState<StoreError>();
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    const controller = new AbortController();
    fetchStaffNote(orderId, { signal: controller.signal }).then(
      (loaded) => {
        setNote(loaded);
        setText(loaded.text);
      },
      (e: unknown) => !controller.signal.aborted && setError(toStoreError(e)),
    );
    return () => controller.abort();
  }, [orderId]);
  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const next = await saveStaffNote(orderId, text);
      setNote(next);
      setText(next.text);
      setSaved(true);
    } catch (e) {
      setError(toStoreError(e));
    } finally {
      setBusy(false);
    }
  };
  const fieldError = error?.details.find((d) => d.path === 'note')?.message;
  return (
    <section aria-labelledby="note-heading" className="staff-section">
      <Heading level={2} id="note-heading">
        Internal note
      </Heading>
      <form onSubmit={save} className="staff-note">
        <TextAreaField
          label="Note for staff (the customer never sees it)"
          name="note"
          rows={3}
          maxLength={API_LIMITS.maxStaffNoteLength}
          value={text}
          isDisabled={note === undefined && !error}
          hasError={fieldError !== undefined}
          errorMessage={fieldError}
          onChange={(e) => {
            setText(e.target.value);
            setSaved(false);
          }}
        />
        <Button type="submit" size="small" isLoading={busy} loadingText="Saving…" isDisabled={note === undefined}>
          Save note
        </Button>
        <p role="status" className="muted note-status">
          {saved ? 'Note saved. ' : ''}
          {note?.updatedAt ? `Last saved ${formatDateTime(note.updatedAt)} by ${note.updatedBy}.` : ''}
        </p>
      </form>
      {error && !fieldError && <ErrorState title="The note could not be loaded or saved" error={error} />}
    </section>
  );
}

/**
 * "Refund order" for a shipped or delivered order (a return), with a confirm step and an optional
 * reason the customer's e-mail repeats. Keyboard focus moves to the confirm step and back.
 */
function RefundOrder({ order, onRefunded }: { order: Order; onRefunded: (order: Order) => void }) {
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<StoreError>();
  const reasonField = useRef<HTMLInputElement>(null);
  const askButton = useRef<HTMLButtonElement>(null);
  const asked = useRef(false);
  useEffect(() => {
    if (!asked.current) return;
    if (confirming) reasonField.current?.focus();
    else askButton.current?.focus();
  }, [confirming]);
  if (!canRefund(order.status)) return null;
  const ask = (next: boolean) => {
    asked.current = true;
    setConfirming(next);
  };
  const confirm = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onRefunded(await refundOrder(order.orderId, reason));
    } catch (e) {
      setError(toStoreError(e));
    } finally {
      setBusy(false);
    }
  };
  const fieldError = error?.details.find((d) => d.path === 'reason')?.message;
  return (
    <div className="refund-order">
      {confirming ? (
        <form onSubmit={(e) => void confirm(e)} aria-label="Confirm refund">
          <Text as="span" display="block">
            Refund {formatPrice(order.totalAmount)} to the customer? The order becomes Refunded and the customer gets an e-mail.
          </Text>
          <TextField
            ref={reasonField}
            label="Reason (optional, the customer sees it)"
            name="reason"
            maxLength={200}
            value={reason}
            hasError={fieldError !== undefined}
            errorMessage={fieldError}
            onChange={(e) => setReason(e.target.value)}
          />
          <div className="failure-actions">
            <Button type="submit" variation="primary" colorTheme="error" size="small" isLoading={busy} loadingText="Refunding…">
              Yes, refund order
            </Button>
            <Button size="small" onClick={() => ask(false)} isDisabled={busy}>
              Keep order
            </Button>
          </div>
        </form>
      ) : (
        <Button ref={askButton} size="small" onClick={() => ask(true)}>
          Refund order
        </Button>
      )}
      {error && !fieldError && (
        <Text fontSize="small" className="warning-text" role="alert">
          {error.status === 409 ? 'This order can no longer be refunded here.' : error.message}
        </Text>
      )}
    </div>
  );
}

export default function StaffOrderPanel({ order, onChanged }: { order: Order; onChanged: (order: Order) => void }) {
  return (
    <div className="staff-panel" data-testid="staff-panel">
      <section aria-labelledby="customer-heading" className="staff-section">
        <Heading level={2} id="customer-heading">
          Customer
        </Heading>
        <dl className="details">
          <Row term="Name">{order.customerName}</Row>
          <Row term="E-mail">
            <a href={`mailto:${order.customerEmail}`}>{order.customerEmail}</a>
          </Row>
          <Row term="Customer id">
            <code>{order.customerId}</code>
          </Row>
        </dl>
        <Text as="p">
          <a href={href.allOrders({ customerEmail: order.customerEmail })}>All orders of this customer</a>
        </Text>
      </section>
      <section aria-labelledby="payment-heading" className="staff-section">
        <Heading level={2} id="payment-heading">
          Payment and actions
        </Heading>
        <dl className="details">
          <Row term="Transaction">{order.transactionId ? <code>{order.transactionId}</code> : 'None taken'}</Row>
          {order.refundStatus && (
            <Row term="Refund">
              <span data-testid="staff-refund">
                {REFUND_LABELS[order.refundStatus]} · {formatPrice(order.refundAmount ?? order.totalAmount)}
              </span>
              {order.refundId && (
                <>
                  {' '}
                  <code>{order.refundId}</code>
                </>
              )}
              {order.refundDate && ` on ${formatDateTime(order.refundDate)}`}
            </Row>
          )}
          {order.refundReason && <Row term="Refund reason">{order.refundReason}</Row>}
          {order.failureReason && <Row term="Failure">{order.failureReason}</Row>}
        </dl>
        <Text as="p" fontSize="small" className="muted">
          {canCancel(order.status)
            ? 'Cancel order (above) stops the order before it ships and refunds a payment already taken; the customer gets an e-mail.'
            : canRefund(order.status)
              ? 'Shipped or delivered: Refund order gives the whole payment back (a return); the customer gets an e-mail.'
              : 'This order can no longer be cancelled or refunded.'}
        </Text>
        <RefundOrder order={order} onRefunded={onChanged} />
      </section>
      <OrderHistory order={order} />
      <InternalNote orderId={order.orderId} />
    </div>
  );
}
