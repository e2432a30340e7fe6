/**
 * Checkout form -> `POST /orders` request, validated with the shared `createOrderRequestSchema`
 * (the same schema the API uses), with its issues mapped to the form's fields.
 */
import type { FieldIssue } from '../../amplify/domain/errors.ts';
import { createOrderRequestSchema, type CreateOrderRequest } from '../../amplify/domain/order.ts';
import { PAYMENT_METHODS } from '../../amplify/domain/order-rules.ts';
import { validate } from '../../amplify/domain/validation.ts';
import type { CartLine } from './cart.ts';

export const CHECKOUT_FIELDS = ['customerName', 'customerEmail', 'street', 'city', 'state', 'zipCode', 'country', 'paymentMethod'] as const;
export type CheckoutField = (typeof CHECKOUT_FIELDS)[number];
export type CheckoutForm = Record<CheckoutField, string>;
export type FieldErrors = Partial<Record<CheckoutField, string>>;

export const EMPTY_FORM: CheckoutForm = {
  customerName: '',
  customerEmail: '',
  street: '',
  city: '',
  state: '',
  zipCode: '',
  country: '',
  paymentMethod: '',
};

export { PAYMENT_METHODS };

export function toRequest(form: CheckoutForm, customerId: string, lines: readonly CartLine[]): Record<string, unknown> {
  return {
    // A guest has none: the API takes the customer from the token, or places a guest order.
    ...(customerId ? { customerId } : {}),
    customerName: form.customerName,
    customerEmail: form.customerEmail.trim(),
    paymentMethod: form.paymentMethod,
    shippingAddress: { street: form.street, city: form.city, state: form.state, zipCode: form.zipCode, country: form.country },
    items: lines.map((l) => ({ productId: l.productId, quantity: l.quantity })),
  };
}

/** `shippingAddress.zipCode` -> `zipCode`; paths that are no form field (items, customerId) -> undefined. */
export function fieldOf(path: string): CheckoutField | undefined {
  const last = path.replace(/^shippingAddress\./, '');
  return (CHECKOUT_FIELDS as readonly string[]).includes(last) ? (last as CheckoutField) : undefined;
}

const friendly = (field: CheckoutField | undefined, message: string): string =>
  field === 'paymentMethod' ? 'Choose a payment method' : message;

export interface ValidationResult {
  request?: CreateOrderRequest;
  fieldErrors: FieldErrors;
  /** Problems not tied to one field (the items, the customer id). */
  otherErrors: string[];
}

/** Sorts issues (from the shared schema or from the server's `details`) into field messages and the rest. */
export function sortIssues(issues: readonly FieldIssue[]): Omit<ValidationResult, 'request'> {
  const fieldErrors: FieldErrors = {};
  const otherErrors: string[] = [];
  for (const issue of issues) {
    const field = fieldOf(issue.path);
    if (field) fieldErrors[field] ??= friendly(field, issue.message);
    else otherErrors.push(issue.path.startsWith('items') ? `Cart: ${issue.message}` : `${issue.path}: ${issue.message}`);
  }
  return { fieldErrors, otherErrors };
}

export function validateCheckout(form: CheckoutForm, customerId: string, lines: readonly CartLine[]): ValidationResult {
  const result = validate(createOrderRequestSchema, toRequest(form, customerId, lines));
  if (result.success) return { request: result.output, fieldErrors: {}, otherErrors: [] };
  return sortIssues(result.issues);
}

/** The form a failed order is retried with: the same contact, address and payment method. */
export function formFromOrder(order: {
  customerName: string;
  customerEmail: string;
  paymentMethod: string;
  shippingAddress: { street: string; city: string; state: string; zipCode: string; country: string };
}): CheckoutForm {
  const { street, city, state, zipCode, country } = order.shippingAddress;
  return { customerName: order.customerName, customerEmail: order.customerEmail, street, city, state, zipCode, country, paymentMethod: order.paymentMethod };
}

/** `form` with its empty fields taken from `known`: what the shopper typed always stays. */
export function fillBlanks(form: CheckoutForm, known: Partial<CheckoutForm>): CheckoutForm {
  const blanks = CHECKOUT_FIELDS.filter((field) => form[field].trim() === '' && known[field]);
  // The same object when nothing changes, so React keeps the state as it is.
  return blanks.length === 0 ? form : { ...form, ...Object.fromEntries(blanks.map((field) => [field, known[field]])) };
}

/** Countries whose postal codes are digits only: there the ZIP field asks for a numeric keypad. */
const NUMERIC_POSTCODES = new Set(['US', 'DE', 'FR', 'ES', 'IT', 'MX', 'AU', 'IN', 'AT', 'BE', 'CH', 'DK', 'NO', 'FI', 'TH', 'ID']);
export const numericPostcode = (country: string): boolean => NUMERIC_POSTCODES.has(country);
