import { describe, expect, it } from 'vitest';
import { EMPTY_FORM, fillBlanks, sortIssues, validateCheckout, type CheckoutForm } from './checkout.ts';

const valid: CheckoutForm = {
  customerName: ' Ada Lovelace ',
  customerEmail: 'ada@example.com',
  street: '12 Analytical Row',
  city: 'Springfield',
  state: 'IL',
  zipCode: '62701',
  country: 'United States',
  paymentMethod: 'paypal',
};
const lines = [{ productId: 'prod-001', quantity: 2 }];

describe('checkout validation (shared createOrderRequestSchema)', () => {
  it('builds the request the API expects', () => {
    const result = validateCheckout(valid, 'cust-1', lines);
    expect(result.fieldErrors).toEqual({});
    expect(result.request).toEqual({
      customerId: 'cust-1',
      customerName: 'Ada Lovelace',
      customerEmail: 'ada@example.com',
      paymentMethod: 'paypal',
      shippingAddress: { street: '12 Analytical Row', city: 'Springfield', state: 'IL', zipCode: '62701', country: 'United States' },
      items: [{ productId: 'prod-001', quantity: 2 }],
    });
  });

  it('names every empty field', () => {
    const result = validateCheckout(EMPTY_FORM, 'cust-1', lines);
    expect(result.request).toBeUndefined();
    expect(Object.keys(result.fieldErrors).sort()).toEqual(
      ['city', 'country', 'customerEmail', 'customerName', 'paymentMethod', 'state', 'street', 'zipCode'].sort(),
    );
    expect(result.fieldErrors.customerName).toBe('Required');
    expect(result.fieldErrors.paymentMethod).toBe('Choose a payment method');
  });

  it('checks the e-mail and the zip code', () => {
    const result = validateCheckout({ ...valid, customerEmail: 'nope', zipCode: '#1' }, 'cust-1', lines);
    expect(result.fieldErrors.customerEmail).toBe('Must be an e-mail address');
    expect(result.fieldErrors.zipCode).toBeDefined();
  });

  it('reports an empty cart apart from the fields', () => {
    const result = validateCheckout(valid, 'cust-1', []);
    expect(result.fieldErrors).toEqual({});
    expect(result.otherErrors).toEqual(['Cart: At least one item']);
  });

  it('maps the server details onto the fields', () => {
    expect(
      sortIssues([
        { path: 'shippingAddress.zipCode', message: 'Letters, digits, spaces and hyphens only' },
        { path: 'items.0.productId', message: 'No product with id "x"' },
      ]),
    ).toEqual({ fieldErrors: { zipCode: 'Letters, digits, spaces and hyphens only' }, otherErrors: ['Cart: No product with id "x"'] });
  });
});

describe('fillBlanks (checkout prefilled from the last order)', () => {
  it('fills only the empty fields and keeps what the shopper typed', () => {
    const typed = { ...EMPTY_FORM, customerName: 'Grace Hopper', city: '  ' };
    expect(fillBlanks(typed, valid)).toEqual({ ...valid, customerName: 'Grace Hopper' });
  });

  it('ignores empty known values and returns the same form when nothing changes', () => {
    expect(fillBlanks(valid, { ...EMPTY_FORM, city: 'Elsewhere' })).toBe(valid);
    expect(fillBlanks(EMPTY_FORM, { street: '' })).toBe(EMPTY_FORM);
  });
});
