/**
 * Customers' data rights (`DELETE /me`, `GET /me/export`): what an order keeps when its customer's
 * account is deleted. The shop's books keep items, amounts, dates, statuses and the country (taxes
 * are due by country); the name, e-mail and the rest of the address are replaced by these.
 */
export const ANONYMIZED = {
  customerName: 'Deleted customer',
  /** `.invalid` is reserved (RFC 2606): no mail can ever be delivered to it. */
  customerEmail: 'deleted-customer@example.invalid',
  street: 'Deleted',
  city: 'Deleted',
  state: 'Deleted',
  zipCode: '000',
} as const;
