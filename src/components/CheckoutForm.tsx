/**
 * The checkout form: contact, address, payment. Validated with the shared order schema on blur and
 * on submit; a failed submit is reported next to the button, which takes focus. `prefill` fills in
 * what the store already knows (a signed-in account's name and e-mail, a retried order). The
 * behaviour is `useCheckoutForm`; this is the view.
 */
import { Alert, Button, Heading, SelectField, Text, TextField } from '@aws-amplify/ui-react';
import type { RefObject } from 'react';
import { numericPostcode, PAYMENT_METHODS, type CheckoutField } from '../lib/checkout.ts';
import { PAYMENT_METHOD_LABELS } from '../lib/status.ts';
import { useCheckoutForm, type CheckoutFormOptions } from './useCheckoutForm.ts';

type TextFieldName = Exclude<CheckoutField, 'paymentMethod' | 'country'>;
interface TextFieldSpec {
  name: TextFieldName;
  label: string;
  autoComplete: string;
  type?: string;
  inputMode?: 'numeric' | 'email' | 'text';
}

const CONTACT: TextFieldSpec[] = [
  { name: 'customerName', label: 'Full name', autoComplete: 'name' },
  { name: 'customerEmail', label: 'E-mail', autoComplete: 'email', type: 'email', inputMode: 'email' },
];
const ADDRESS: TextFieldSpec[] = [
  { name: 'street', label: 'Street address', autoComplete: 'street-address' },
  { name: 'city', label: 'City', autoComplete: 'address-level2' },
  { name: 'state', label: 'State / province', autoComplete: 'address-level1' },
  { name: 'zipCode', label: 'ZIP / postal code', autoComplete: 'postal-code' },
];

export function CheckoutForm(options: CheckoutFormOptions) {
  const { form, update, blur, submit, shown, errorCount, otherErrors, failure, sending, formRef, failureRef, countries } = useCheckoutForm(options);
  const { accountEmail } = options;
  const textField = (f: TextFieldSpec) => (
    <TextField
      key={f.name}
      name={f.name}
      label={f.label}
      type={f.type ?? 'text'}
      autoComplete={f.autoComplete}
      inputMode={f.name === 'zipCode' && numericPostcode(form.country) ? 'numeric' : f.inputMode}
      value={form[f.name]}
      onChange={(e) => update(f.name, e.target.value)}
      onBlur={(e) => blur(f.name, e.relatedTarget)}
      hasError={Boolean(shown(f.name))}
      errorMessage={shown(f.name)}
      isRequired
      isReadOnly={f.name === 'customerEmail' && Boolean(accountEmail)}
      descriptiveText={f.name === 'customerEmail' && accountEmail ? "Your account's e-mail: the confirmation goes there." : undefined}
    />
  );

  return (
    <form ref={formRef} onSubmit={submit} noValidate aria-describedby="required-note" className="checkout-form">
      <Text id="required-note" fontSize="small">
        All fields are required. We use your e-mail only to send your order confirmation.
      </Text>
      <fieldset className="form-section">
        <legend>
          <Heading level={2}>Contact</Heading>
        </legend>
        {CONTACT.map(textField)}
      </fieldset>
      <fieldset className="form-section">
        <legend>
          <Heading level={2}>Shipping address</Heading>
        </legend>
        {ADDRESS.slice(0, 1).map(textField)}
        <div className="field-row">{ADDRESS.slice(1).map(textField)}</div>
        <SelectField
          name="country"
          label="Country"
          placeholder="Choose a country"
          autoComplete="country"
          value={form.country}
          onChange={(e) => update('country', e.target.value)}
          onBlur={(e) => blur('country', e.relatedTarget)}
          hasError={Boolean(shown('country'))}
          errorMessage={shown('country') ? 'Choose a country' : undefined}
          isRequired
        >
          {countries.map((c) => (
            <option key={c.code} value={c.code}>
              {c.name}
            </option>
          ))}
        </SelectField>
      </fieldset>
      <PaymentSection value={form.paymentMethod} error={shown('paymentMethod')} onChange={(value) => update('paymentMethod', value)} onBlur={(next) => blur('paymentMethod', next)} />
      <SubmitArea errorCount={errorCount} failure={failure} otherErrors={otherErrors} sending={sending} failureRef={failureRef} />
    </form>
  );
}

/** The payment method, and when it is charged. */
function PaymentSection({ value, error, onChange, onBlur }: { value: string; error: string | undefined; onChange: (value: string) => void; onBlur: (next: EventTarget | null) => void }) {
  return (
    <fieldset className="form-section">
      <legend>
        <Heading level={2}>Payment</Heading>
      </legend>
      <SelectField
        name="paymentMethod"
        label="Payment method"
        placeholder="Choose a payment method"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onBlur={(e) => onBlur(e.relatedTarget)}
        hasError={Boolean(error)}
        errorMessage={error}
        isRequired
      >
        {PAYMENT_METHODS.map((m) => (
          <option key={m} value={m}>
            {PAYMENT_METHOD_LABELS[m] ?? m}
          </option>
        ))}
      </SelectField>
      <Text fontSize="small" className="muted">
        You are charged only once the payment is confirmed. If it is declined, your cart stays as it is.
      </Text>
    </fieldset>
  );
}

interface SubmitAreaProps {
  /** Fields with a message (summed up unless a failure is shown). */
  errorCount: number;
  /** Why the order was not placed, if it was not. */
  failure: string | undefined;
  /** Problems no field shows (e.g. the cart's). */
  otherErrors: string[];
  sending: boolean;
  failureRef: RefObject<HTMLDivElement>;
}

/** "Place order", and above it what stopped the order: the fields to fix, or the failure (it takes focus). */
function SubmitArea({ errorCount, failure, otherErrors, sending, failureRef }: SubmitAreaProps) {
  return (
    <div className="submit-area">
      {errorCount > 0 && !failure && (
        <p className="form-error-summary" role="alert">
          {errorCount === 1 ? 'One field needs' : `${errorCount} fields need`} your attention.
        </p>
      )}
      {failure && (
        <div ref={failureRef} tabIndex={-1} role="alert" className="submit-failure">
          <Alert variation="error" heading="Your order was not placed">
            <Text as="span" display="block">
              {failure}
            </Text>
            {otherErrors.length > 0 && (
              <ul className="error-details">
                {otherErrors.map((e) => (
                  <li key={e}>{e}</li>
                ))}
              </ul>
            )}
          </Alert>
        </div>
      )}
      <Button type="submit" variation="primary" size="large" isLoading={sending} loadingText="Placing your order…" isDisabled={sending}>
        Place order
      </Button>
    </div>
  );
}
