/**
 * The checkout form's state and behaviour, apart from its view (CheckoutForm.tsx): the values (kept
 * for the session, filled from what the store knows), each field's message from the shared order
 * schema once the field was left, and the submit: validate, send once, and on a refusal show the
 * API's field messages and a failure text at the button, which takes focus.
 */
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { countryOptions } from '../../amplify/domain/countries.ts';
import type { CreateOrderRequest } from '../../amplify/domain/order.ts';
import type { FieldIssue } from '../../amplify/domain/errors.ts';
import { toStoreError, type StoreError } from '../lib/api.ts';
import type { CartLine } from '../lib/cart.ts';
import { CHECKOUT_FIELDS, EMPTY_FORM, fillBlanks, sortIssues, validateCheckout, type CheckoutField, type CheckoutForm as Form, type FieldErrors } from '../lib/checkout.ts';
import { CHECKOUT_FORM_KEY } from '../lib/pending-order.ts';
import { setStockLevel } from '../lib/stock.ts';

function loadSavedForm(): Partial<Form> {
  try {
    return (JSON.parse(sessionStorage.getItem(CHECKOUT_FORM_KEY) ?? 'null') as Partial<Form> | null) ?? {};
  } catch {
    return {};
  }
}

export interface CheckoutFormOptions {
  lines: readonly CartLine[];
  customerId: string;
  /**
   * Known values (the account's name, its last order's address and payment method, a retried
   * order); what the shopper typed this session wins. Values arriving later fill only empty fields.
   */
  prefill?: Partial<Form>;
  /** The signed-in account's e-mail: the order's e-mail is always the account's (the API checks it). */
  accountEmail?: string;
  /** Sends the order; resolves once it is stored. */
  placeOrder: (request: CreateOrderRequest) => Promise<void>;
}

function failureText(error: StoreError): string {
  if (error.kind === 'network') return 'We could not reach the store, so your order may not have been placed. Please try again in a moment: pressing “Place order” again never creates a second order.';
  if ((error.status ?? 0) >= 500) return 'Something went wrong on our side and your order was not placed. Please try again: pressing “Place order” again never creates a second order.';
  if (error.status === 409 && error.details.some((d) => 'available' in d)) return 'Some of your cart is no longer in stock: the order summary says which line and by how much. Change your cart, then place the order.';
  if (error.details.some((d) => d.path.startsWith('items'))) return 'Something in your cart cannot be ordered as it is. Please check your cart.';
  return 'Please correct the highlighted fields and try again.';
}

/** Keeps what was typed for the session (the order page's "Start a new order" fills it too). */
function saveForm(next: Form) {
  try {
    sessionStorage.setItem(CHECKOUT_FORM_KEY, JSON.stringify(next));
  } catch {
    // Not kept: fine.
  }
}

/** Focuses the first field (in the form's order) with a message; says whether there was one. */
function focusFirstError(form: HTMLFormElement | null, fieldErrors: FieldErrors): boolean {
  const first = CHECKOUT_FIELDS.find((f) => fieldErrors[f]);
  if (first) form?.querySelector<HTMLElement>(`[name="${first}"]`)?.focus();
  return Boolean(first);
}

/**
 * Short of stock: the answer says what is available for each short line (exact, where a new
 * read of GET /products may be up to its cache's age), so the summary names them.
 */
function noteStockLevels(storeError: StoreError) {
  for (const detail of storeError.details as (FieldIssue & { productId?: string; available?: number })[]) {
    if (storeError.status === 409 && detail.productId && typeof detail.available === 'number') setStockLevel(detail.productId, detail.available);
  }
}

const NOTHING_KNOWN: Partial<Form> = {};

export function useCheckoutForm({ lines, customerId, prefill = NOTHING_KNOWN, accountEmail, placeOrder }: CheckoutFormOptions) {
  const [form, setForm] = useState<Form>(() => {
    const known = { ...EMPTY_FORM, ...prefill, ...loadSavedForm() };
    return accountEmail ? { ...known, customerEmail: accountEmail } : known;
  });
  // The last order arrives after the first render: it fills what is still empty, nothing else.
  useEffect(() => setForm((current) => fillBlanks(current, prefill)), [prefill]);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [touched, setTouched] = useState<Partial<Record<CheckoutField, boolean>>>({});
  const [otherErrors, setOtherErrors] = useState<string[]>([]);
  const [failure, setFailure] = useState<string>();
  const [sending, setSending] = useState(false);
  const sendingRef = useRef(false);
  const formRef = useRef<HTMLFormElement>(null);
  const failureRef = useRef<HTMLDivElement>(null);
  const countries = useMemo(countryOptions, []);

  /** The message for one field, from the shared schema. */
  const errorFor = (next: Form, name: CheckoutField) => validateCheckout(next, customerId, lines).fieldErrors[name];

  const update = (name: CheckoutField, value: string) => {
    const next = { ...form, [name]: value };
    setForm(next);
    saveForm(next);
    // Once a field has been left (or the form submitted), its message follows what is typed.
    if (touched[name]) setErrors((e) => ({ ...e, [name]: errorFor(next, name) }));
  };

  const blur = (name: CheckoutField, next: EventTarget | null) => {
    // Leaving a field for the submit button: the submit checks every field. Showing a message now
    // would push the button down between mouse-down and mouse-up, and the click would miss it.
    if (next instanceof HTMLElement && next.getAttribute('type') === 'submit') return;
    setTouched((t) => ({ ...t, [name]: true }));
    setErrors((e) => ({ ...e, [name]: errorFor(form, name) }));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (sendingRef.current) return;
    setFailure(undefined);
    const result = validateCheckout(form, customerId, lines);
    setTouched(Object.fromEntries(CHECKOUT_FIELDS.map((f) => [f, true])));
    setErrors(result.fieldErrors);
    setOtherErrors(result.otherErrors);
    if (!result.request) {
      if (!focusFirstError(formRef.current, result.fieldErrors)) {
        setFailure('Your cart cannot be ordered as it is.');
        requestAnimationFrame(() => failureRef.current?.focus());
      }
      return;
    }
    sendingRef.current = true;
    setSending(true);
    try {
      await placeOrder(result.request);
    } catch (error) {
      const storeError = toStoreError(error);
      noteStockLevels(storeError);
      const sorted = sortIssues(storeError.details);
      setErrors(sorted.fieldErrors);
      setOtherErrors(sorted.otherErrors);
      setFailure(failureText(storeError));
      // The shopper is at the button: the message appears there and takes focus.
      requestAnimationFrame(() => failureRef.current?.focus());
    } finally {
      sendingRef.current = false;
      setSending(false);
    }
  };

  const errorCount = Object.values(errors).filter(Boolean).length;
  /** A field's message, once the field was left or the form submitted. */
  const shown = (name: CheckoutField) => (touched[name] ? errors[name] : undefined);
  return { form, update, blur, submit, shown, errorCount, otherErrors, failure, sending, formRef, failureRef, countries };
}
