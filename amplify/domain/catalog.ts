/**
 * The store's catalog. The server prices every order from here; the storefront shows the same
 * list through `GET /products`. Prices are in US dollars, stored as integer cents.
 */
export interface Product {
  productId: string;
  name: string;
  description: string;
  priceCents: number;
  /** Path of the product picture, served from `public/`. */
  image: string;
}

export const CURRENCY = 'USD';

/** The store's name, configured once: header, page titles, footer and the confirmation e-mail. */
export const STORE_NAME = 'Desk & Gadget Co.';

/** What the shopper is told about taxes, everywhere prices are summed up. The store adds no tax. */
export const TAX_NOTE = 'Prices are in US dollars. No sales tax is added: the total is what you pay.';

const product = (productId: string, name: string, description: string, priceCents: number): Product => ({
  productId,
  name,
  description,
  priceCents,
  image: `/products/${productId}.svg`,
});

export const CATALOG: readonly Product[] = [
  product('prod-001', 'Wireless Headphones', 'Over-ear, noise cancelling, 30 hours of battery.', 129_99),
  product('prod-002', 'Mechanical Keyboard', 'Tenkeyless, hot-swappable switches, PBT keycaps.', 89_50),
  product('prod-003', 'Ergonomic Mouse', 'Vertical grip, six buttons, USB-C charging.', 45_00),
  product('prod-004', '27" Monitor', 'QHD IPS panel, 144 Hz, height-adjustable stand.', 329_00),
  product('prod-005', 'USB-C Hub', 'Seven ports: HDMI 4K, SD, Ethernet and 100 W pass-through.', 39_99),
  product('prod-006', 'Laptop Stand', 'Aluminium, foldable, six height positions.', 34_95),
  product('prod-007', 'Webcam HD', '1080p at 60 fps with dual microphones and a privacy shutter.', 59_90),
  product('prod-008', 'Desk Lamp', 'LED, dimmable, adjustable colour temperature.', 27_49),
  product('prod-009', 'Portable SSD 1 TB', 'Up to 1,050 MB/s, shock resistant, pocket sized.', 99_00),
  product('prod-010', 'Bluetooth Speaker', 'Waterproof, 12 hours of play, pairs in stereo.', 49_95),
  product('prod-011', 'Backpack', 'Water-resistant, padded 16" laptop sleeve.', 64_00),
  product('prod-012', 'Coffee Mug', 'Insulated steel, keeps a drink hot for 6 hours.', 18_50),
];

const byId = new Map(CATALOG.map((p) => [p.productId, p]));

export function findProduct(productId: string): Product | undefined {
  return byId.get(productId);
}

/** Cents to the number the order record holds (seed: `price`, `totalAmount` are numbers). */
export const centsToAmount = (cents: number): number => cents / 100;

const priceFormat = new Intl.NumberFormat('en-US', { style: 'currency', currency: CURRENCY });

export function formatPrice(amount: number): string {
  return priceFormat.format(amount);
}

/** A shipping amount as a shopper reads it: "Free" rather than "$0.00". */
export const formatShipping = (amount: number): string => (amount === 0 ? 'Free' : formatPrice(amount));
