import { describe, expect, it } from 'vitest';
import { SAVED_CHECKOUT } from '../../amplify/domain/auth.ts';
import { parseSavedCheckout, savedCheckoutOf } from './saved-checkout.ts';

const request = {
  customerName: 'Ada Lovelace',
  paymentMethod: 'paypal' as const,
  shippingAddress: { street: '1 Main St', city: 'Springfield', state: 'IL', zipCode: '62701', country: 'US' },
};

describe('saved checkout details', () => {
  it('keeps name, address and payment method of an order, never the e-mail, and reads them back', () => {
    const value = savedCheckoutOf({ ...request, customerEmail: 'ada@example.com' } as typeof request);
    expect(value).not.toContain('ada@example.com');
    expect(parseSavedCheckout(value)).toEqual({
      customerName: 'Ada Lovelace',
      street: '1 Main St',
      city: 'Springfield',
      state: 'IL',
      zipCode: '62701',
      country: 'US',
      paymentMethod: 'paypal',
    });
  });

  it('saves nothing that would not fit the attribute', () => {
    const long = { ...request, shippingAddress: { ...request.shippingAddress, street: 'x'.repeat(SAVED_CHECKOUT.maxLength) } };
    expect(savedCheckoutOf(long)).toBeUndefined();
  });

  it('ignores a value that is absent, not JSON, not an object, or holds other keys and types', () => {
    expect(parseSavedCheckout(undefined)).toEqual({});
    expect(parseSavedCheckout('{not json')).toEqual({});
    expect(parseSavedCheckout('"a string"')).toEqual({});
    expect(parseSavedCheckout('null')).toEqual({});
    expect(parseSavedCheckout(JSON.stringify({ city: 'Paris', customerEmail: 'x@example.com', zipCode: 75001, admin: 'yes' }))).toEqual({ city: 'Paris' });
    // A payment method the store no longer takes is not offered again.
    expect(parseSavedCheckout(JSON.stringify({ city: 'Paris', paymentMethod: 'cheque' }))).toEqual({ city: 'Paris' });
  });
});
