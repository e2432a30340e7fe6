/**
 * The store's shipping rule, in one place: the server prices every order with it, the storefront
 * shows the same figures (cart, checkout) and its "free shipping from" hint. Integer cents.
 */
export const SHIPPING_RULE = {
  /** Orders whose items come to at least this much ship free. */
  freeFromCents: 50_00,
  /** Flat rate below that. */
  flatRateCents: 4_99,
} as const;

/** Shipping for a subtotal: free from `freeFromCents`, otherwise the flat rate (nothing for nothing). */
export function shippingCents(subtotalCents: number): number {
  if (subtotalCents <= 0) return 0;
  return subtotalCents >= SHIPPING_RULE.freeFromCents ? 0 : SHIPPING_RULE.flatRateCents;
}

/** How much more the shopper would need for free shipping (0 once it is free). */
export const centsToFreeShipping = (subtotalCents: number): number => Math.max(0, SHIPPING_RULE.freeFromCents - subtotalCents);
