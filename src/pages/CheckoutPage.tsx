/** Checkout: labelled fields, shared-schema validation, one order per Idempotency-Key. */
import { Alert, Button, Heading, SelectField, Text, TextField } from '@aws-amplify/ui-react';
import { useRef, useState, type FormEvent } from 'react';
import { CartLines } from '../components/CartLines.tsx';
import { EmptyState, ErrorDetails, PageHeading } from '../components/common.tsx';
import { createOrder, toStoreError, type StoreError } from '../lib/api.ts';
import {
  CHECKOUT_FIELDS,
  EMPTY_FORM,
  PAYMENT_METHODS,
  sortIssues,
  validateCheckout,
  type CheckoutField,
  type CheckoutForm,
  type FieldErrors,
} from '../lib/checkout.ts';
import { currentAccount } from '../auth/account.ts';
import { getCustomerId, newIdempotencyKey } from '../lib/customer.ts';
import { href, navigate } from '../lib/router.ts';
import { PAYMENT_METHOD_LABELS } from '../lib/status.ts';
import { cartStore, useCartLines, useProducts } from '../lib/store.ts';

const FORM_STORAGE_KEY = 'storefront.checkout.v1';

const TEXT_FIELDS: { name: Exclude<CheckoutField, 'paymentMethod'>; label: string; autoComplete: string; type?: string }[] = [
  { name: 'customerName', label: 'Full name', autoComplete: 'name' },
  { name: 'customerEmail', label: 'E-mail', autoComplete: 'email', type: 'email' },
  { name: 'street', label: 'Street address', autoComplete: 'street-address' },
  { name: 'city', label: 'City', autoComplete: 'address-level2' },
  { name: 'state', label: 'State / province', autoComplete: 'address-level1' },
  { name: 'zipCode', label: 'ZIP / postal code', autoComplete: 'postal-code' },
  { name: 'country', label: 'Country', autoComplete: 'country-name' },
];

function loadForm(): CheckoutForm {
  try {
    const saved = JSON.parse(sessionStorage.getItem(FORM_STORAGE_KEY) ?? 'null') as Partial<CheckoutForm> | null;
    return { ...EMPTY_FORM, ...(saved ?? {}) };
  } catch {
    return EMPTY_FORM;
  }
}

export default function CheckoutPage() {
  const lines = useCartLines();
  const products = useProducts();
  // Name and e-mail from the account (the order's e-mail is the account's; the API checks it).
  const [form, setForm] = useState<CheckoutForm>(() => {
    const saved = loadForm();
    const account = currentAccount();
    return { ...saved, customerName: saved.customerName || account?.name || '', customerEmail: account?.email ?? saved.customerEmail };
  });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [otherErrors, setOtherErrors] = useState<string[]>([]);
  const [serverError, setServerError] = useState<StoreError>();
  const [submitted, setSubmitted] = useState(false);
  const [sending, setSending] = useState(false);
  const sendingRef = useRef(false);
  /** The key is reused while the request is unchanged, so a retry or double-click cannot make two orders. */
  const keyRef = useRef<{ body: string; key: string }>();
  const formRef = useRef<HTMLFormElement>(null);
  const customerId = getCustomerId();

  const update = (name: CheckoutField, value: string) => {
    const next = { ...form, [name]: value };
    setForm(next);
    try {
      sessionStorage.setItem(FORM_STORAGE_KEY, JSON.stringify(next));
    } catch {
      // Not kept: fine.
    }
    if (submitted) setErrors(validateCheckout(next, customerId, lines).fieldErrors);
  };

  const focusFirstError = (fieldErrors: FieldErrors) => {
    const first = CHECKOUT_FIELDS.find((f) => fieldErrors[f]);
    if (first) formRef.current?.querySelector<HTMLElement>(`[name="${first}"]`)?.focus();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (sendingRef.current) return;
    setSubmitted(true);
    setServerError(undefined);
    const result = validateCheckout(form, customerId, lines);
    setErrors(result.fieldErrors);
    setOtherErrors(result.otherErrors);
    if (!result.request) {
      focusFirstError(result.fieldErrors);
      return;
    }
    const body = JSON.stringify(result.request);
    if (keyRef.current?.body !== body) keyRef.current = { body, key: newIdempotencyKey() };
    sendingRef.current = true;
    setSending(true);
    try {
      const order = await createOrder(result.request, keyRef.current.key);
      cartStore.clear();
      sessionStorage.removeItem(FORM_STORAGE_KEY);
      navigate(href.order(order.orderId));
    } catch (error) {
      const storeError = toStoreError(error);
      setServerError(storeError);
      const sorted = sortIssues(storeError.details);
      setErrors(sorted.fieldErrors);
      focusFirstError(sorted.fieldErrors);
    } finally {
      sendingRef.current = false;
      setSending(false);
    }
  };

  if (lines.length === 0) {
    return (
      <>
        <PageHeading title="Checkout">Checkout</PageHeading>
        <EmptyState title="Your cart is empty">
          <Text>
            <a href={href.catalog()}>Browse the shop</a> to add something before checking out.
          </Text>
        </EmptyState>
      </>
    );
  }

  const errorCount = Object.keys(errors).length;
  const textField = (f: (typeof TEXT_FIELDS)[number]) => (
    <TextField
      key={f.name}
      name={f.name}
      label={f.label}
      type={f.type ?? 'text'}
      autoComplete={f.autoComplete}
      value={form[f.name]}
      onChange={(e) => update(f.name, e.target.value)}
      hasError={Boolean(errors[f.name])}
      errorMessage={errors[f.name]}
      isRequired
      isReadOnly={f.name === 'customerEmail' && Boolean(currentAccount())}
      descriptiveText={f.name === 'customerEmail' && currentAccount() ? "Your account's e-mail: the confirmation goes there." : undefined}
    />
  );
  return (
    <>
      <PageHeading title="Checkout">Checkout</PageHeading>
      <div className="checkout-layout">
        <form ref={formRef} onSubmit={submit} noValidate aria-describedby="required-note" className="checkout-form">
          <Text id="required-note" fontSize="small">
            All fields are required.
          </Text>
          {submitted && errorCount > 0 && !serverError && (
            <Alert variation="error" role="alert" heading="Please check your details">
              {errorCount === 1 ? 'One field needs' : `${errorCount} fields need`} your attention.
            </Alert>
          )}
          {otherErrors.length > 0 && (
            <Alert variation="error" role="alert" heading="Your cart cannot be ordered as it is">
              <ul className="error-details">
                {otherErrors.map((e) => (
                  <li key={e}>{e}</li>
                ))}
              </ul>
            </Alert>
          )}
          {serverError && (
            <Alert variation="error" role="alert" heading="Your order was not placed" className="server-error">
              <Text as="span">{serverError.message}</Text>
              <ErrorDetails error={serverError} />
              <Text as="span" display="block">
                {serverError.kind === 'network' || (serverError.status ?? 0) >= 500
                  ? 'Nothing was charged twice: you can safely press “Place order” again.'
                  : 'Correct the details above and try again.'}
              </Text>
            </Alert>
          )}
          <fieldset className="form-section">
            <legend>
              <Heading level={2}>Contact</Heading>
            </legend>
            {TEXT_FIELDS.slice(0, 2).map(textField)}
          </fieldset>
          <fieldset className="form-section">
            <legend>
              <Heading level={2}>Shipping address</Heading>
            </legend>
            {TEXT_FIELDS.slice(2).map(textField)}
          </fieldset>
          <fieldset className="form-section">
            <legend>
              <Heading level={2}>Payment</Heading>
            </legend>
            <SelectField
              name="paymentMethod"
              label="Payment method"
              placeholder="Choose a payment method"
              value={form.paymentMethod}
              onChange={(e) => update('paymentMethod', e.target.value)}
              hasError={Boolean(errors.paymentMethod)}
              errorMessage={errors.paymentMethod}
              isRequired
            >
              {PAYMENT_METHODS.map((m) => (
                <option key={m} value={m}>
                  {PAYMENT_METHOD_LABELS[m] ?? m}
                </option>
              ))}
            </SelectField>
          </fieldset>
          <Button type="submit" variation="primary" size="large" isLoading={sending} loadingText="Placing your order…" isDisabled={sending}>
            Place order
          </Button>
        </form>
        <section aria-labelledby="summary-heading" className="order-summary">
          <Heading level={2} id="summary-heading">
            Order summary
          </Heading>
          <CartLines lines={lines} products={products.data} />
          <Text fontSize="small">
            <a href={href.cart()}>Change your cart</a>
          </Text>
        </section>
      </div>
    </>
  );
}
