/**
 * The store's catalog. The server prices every order from here; the storefront shows the same
 * list through `GET /products`. Prices are in US dollars, stored as integer cents.
 */
import { SHOP } from './shop.ts';

/** The store's departments: every product belongs to exactly one. */
export const CATEGORIES = [
  { categoryId: 'audio', name: 'Audio' },
  { categoryId: 'input', name: 'Keyboards, mice & screens' },
  { categoryId: 'desk', name: 'Desk setup' },
  { categoryId: 'power', name: 'Power & storage' },
  { categoryId: 'carry', name: 'Bags & travel' },
] as const;
export type CategoryId = (typeof CATEGORIES)[number]['categoryId'];

export interface Product {
  productId: string;
  name: string;
  description: string;
  priceCents: number;
  categoryId: CategoryId;
  /** Path of the product picture, served from `public/`. */
  image: string;
}

export const CURRENCY = 'USD';

/** The store's name (`SHOP.name`): header, page titles, footer and the confirmation e-mail. */
export const STORE_NAME = SHOP.name;

/** What the shopper is told about taxes, everywhere prices are summed up. The store adds no tax. */
export const TAX_NOTE = 'Prices are in US dollars. No sales tax is added: the total is what you pay.';

const product = (productId: string, categoryId: CategoryId, name: string, description: string, priceCents: number): Product => ({
  productId,
  name,
  description,
  priceCents,
  categoryId,
  image: `/products/${productId}.svg`,
});

export const CATALOG: readonly Product[] = [
  product('prod-001', 'audio', 'Wireless Headphones', 'Over-ear, noise cancelling, 30 hours of battery.', 129_99),
  product('prod-002', 'input', 'Mechanical Keyboard', 'Tenkeyless, hot-swappable switches, PBT keycaps.', 89_50),
  product('prod-003', 'input', 'Ergonomic Mouse', 'Vertical grip, six buttons, USB-C charging.', 45_00),
  product('prod-004', 'input', '27" Monitor', 'QHD IPS panel, 144 Hz, height-adjustable stand.', 329_00),
  product('prod-005', 'power', 'USB-C Hub', 'Seven ports: HDMI 4K, SD, Ethernet and 100 W pass-through.', 39_99),
  product('prod-006', 'desk', 'Laptop Stand', 'Aluminium, foldable, six height positions.', 34_95),
  product('prod-007', 'input', 'Webcam HD', '1080p at 60 fps with dual microphones and a privacy shutter.', 59_90),
  product('prod-008', 'desk', 'Desk Lamp', 'LED, dimmable, adjustable colour temperature.', 27_49),
  product('prod-009', 'power', 'Portable SSD 1 TB', 'Up to 1,050 MB/s, shock resistant, pocket sized.', 99_00),
  product('prod-010', 'audio', 'Bluetooth Speaker', 'Waterproof, 12 hours of play, pairs in stereo.', 49_95),
  product('prod-011', 'carry', 'Backpack', 'Water-resistant, padded 16" laptop sleeve.', 64_00),
  product('prod-012', 'desk', 'Coffee Mug', 'Insulated steel, keeps a drink hot for 6 hours.', 18_50),
  product('prod-013', 'audio', 'Wireless Earbuds', 'Active noise cancelling, 8 hours per charge, pocket case.', 79_00),
  product('prod-014', 'audio', 'USB Microphone', 'Cardioid condenser for calls and podcasts, with a desk stand.', 69_99),
  product('prod-015', 'input', 'Keyboard Wrist Rest', 'Memory foam under a washable cover, full keyboard length.', 19_90),
  product('prod-016', 'input', 'Drawing Tablet', 'Pressure-sensitive pen, 10 × 6 inch area, no battery needed.', 74_50),
  product('prod-017', 'desk', 'Monitor Light Bar', 'Lights the desk, not the screen; clips onto any monitor.', 42_00),
  product('prod-018', 'desk', 'Cable Organizer Set', 'Clips, ties and a tray that keep cables off the floor.', 12_99),
  product('prod-019', 'desk', 'Felt Desk Mat', 'Wool felt, 90 × 40 cm, quiet under keyboard and mouse.', 24_00),
  product('prod-020', 'power', 'Power Bank 20,000 mAh', 'Charges a laptop over USB-C at 45 W, two phones at once.', 44_95),
  product('prod-021', 'power', '65 W USB-C Charger', 'Compact GaN charger for a laptop, a tablet and a phone.', 35_00),
  product('prod-022', 'power', 'USB-C Cable 2 m', 'Braided, 100 W charging and 10 Gb/s data.', 9_99),
  product('prod-023', 'carry', 'Laptop Sleeve 14"', 'Padded neoprene with a zip pocket for the charger.', 29_00),
  product('prod-024', 'carry', 'Travel Tech Pouch', 'Keeps cables, chargers and a mouse in one zipped case.', 22_50),
];

const byId = new Map(CATALOG.map((p) => [p.productId, p]));

export function findProduct(productId: string): Product | undefined {
  return byId.get(productId);
}

export const categoryName = (categoryId: string): string | undefined => CATEGORIES.find((c) => c.categoryId === categoryId)?.name;

/** Cents to the number the order record holds (seed: `price`, `totalAmount` are numbers). */
export const centsToAmount = (cents: number): number => cents / 100;

const priceFormat = new Intl.NumberFormat('en-US', { style: 'currency', currency: CURRENCY });

export function formatPrice(amount: number): string {
  return priceFormat.format(amount);
}

/** A shipping amount as a shopper reads it: "Free" rather than "$0.00". */
export const formatShipping = (amount: number): string => (amount === 0 ? 'Free' : formatPrice(amount));
