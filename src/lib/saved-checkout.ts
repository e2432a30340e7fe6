/**
 * The account's saved checkout details (`SAVED_CHECKOUT`: name, address and payment method of the
 * last order, a custom attribute of the user pool). Read from Cognito to fill in the checkout on any
 * device, written after an order is placed. Best effort both ways: without them the form is simply
 * empty, and an order never fails because they could not be saved.
 */
import { fetchUserAttributes, updateUserAttributes } from 'aws-amplify/auth';
import { SAVED_CHECKOUT } from '../../amplify/domain/auth.ts';
import type { CreateOrderRequest } from '../../amplify/domain/order.ts';
import { CHECKOUT_FIELDS, formFromOrder, PAYMENT_METHODS, type CheckoutField, type CheckoutForm } from './checkout.ts';

/** Everything the form holds but the e-mail, which is always the account's. */
const SAVED_FIELDS = CHECKOUT_FIELDS.filter((field) => field !== 'customerEmail');

/** The attribute's value for an order's request, or undefined when it would not fit Cognito's limit. */
export function savedCheckoutOf(request: Pick<CreateOrderRequest, 'customerName' | 'paymentMethod' | 'shippingAddress'>): string | undefined {
  const form = formFromOrder({ ...request, customerEmail: '' });
  const value = JSON.stringify(Object.fromEntries(SAVED_FIELDS.map((field) => [field, form[field]])));
  return value.length <= SAVED_CHECKOUT.maxLength ? value : undefined;
}

/** The saved fields of an attribute value; anything else (absent, not JSON, other keys) is ignored. */
export function parseSavedCheckout(value: string | undefined): Partial<CheckoutForm> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value ?? 'null');
  } catch {
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null) return {};
  const saved: Partial<CheckoutForm> = {};
  for (const field of SAVED_FIELDS as CheckoutField[]) {
    const text = (parsed as Record<string, unknown>)[field];
    if (typeof text === 'string' && text.length <= SAVED_CHECKOUT.maxLength) saved[field] = text;
  }
  // A payment method the store no longer takes is left for the shopper to choose.
  if (saved.paymentMethod !== undefined && !(PAYMENT_METHODS as readonly string[]).includes(saved.paymentMethod)) delete saved.paymentMethod;
  return saved;
}

export async function loadSavedCheckout(): Promise<Partial<CheckoutForm>> {
  return parseSavedCheckout((await fetchUserAttributes())[SAVED_CHECKOUT.attribute]);
}

export async function saveCheckout(request: CreateOrderRequest): Promise<void> {
  const value = savedCheckoutOf(request);
  if (value !== undefined) await updateUserAttributes({ userAttributes: { [SAVED_CHECKOUT.attribute]: value } });
}
