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

/**
 * How long the carrier takes, in whole days after the shipment is booked (which happens seconds
 * after the payment): the simulated carrier draws a number in this range for each parcel
 * (`arrangeShipment`), and the cart and checkout show the window it gives from today.
 */
export const DELIVERY_RULE = { minDays: 2, maxDays: 5 } as const;

const DAY_MS = 24 * 60 * 60 * 1000;

/** The carrier's days for a roll in [0, 1): every day of the rule equally likely. */
export const deliveryDays = (roll: number): number =>
  DELIVERY_RULE.minDays + Math.min(DELIVERY_RULE.maxDays - DELIVERY_RULE.minDays, Math.floor(roll * (DELIVERY_RULE.maxDays - DELIVERY_RULE.minDays + 1)));

/** The date `days` days after `from`. */
export const addDays = (from: Date, days: number): Date => new Date(from.getTime() + days * DAY_MS);

/** The earliest and latest delivery date of an order placed at `now`. */
export function deliveryWindow(now: Date = new Date()): { earliest: Date; latest: Date } {
  return { earliest: addDays(now, DELIVERY_RULE.minDays), latest: addDays(now, DELIVERY_RULE.maxDays) };
}

/**
 * The carrier's tracking page for a parcel: `{trackingNumber}` in the pattern is replaced (URL
 * encoded). The simulated carrier has no site of its own; a shop sets its carrier's pattern here.
 */
export const CARRIER = {
  name: 'Parcel Express',
  trackingUrlPattern: 'https://tracking.example.com/parcels/{trackingNumber}',
} as const;

export const trackingUrl = (trackingNumber: string, pattern: string = CARRIER.trackingUrlPattern): string =>
  pattern.replace('{trackingNumber}', encodeURIComponent(trackingNumber));
