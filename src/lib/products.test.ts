import { describe, expect, it } from 'vitest';
import { CATEGORIES, filterProducts, PRODUCTS } from './products.ts';

describe('finding products', () => {
  it('has at least 24 products in at least 4 categories, each category in use', () => {
    expect(PRODUCTS.length).toBeGreaterThanOrEqual(24);
    expect(CATEGORIES.length).toBeGreaterThanOrEqual(4);
    for (const c of CATEGORIES) expect(PRODUCTS.filter((p) => p.categoryId === c.categoryId).length, c.name).toBeGreaterThanOrEqual(3);
  });

  it('matches every word in the name or the description, ignoring case and accents', () => {
    expect(filterProducts(PRODUCTS, { search: 'LAMP' }).map((p) => p.name)).toEqual(['Desk Lamp']);
    expect(filterProducts(PRODUCTS, { search: 'usb-c charger' }).map((p) => p.productId)).toEqual(['prod-021']);
    expect(filterProducts(PRODUCTS, { search: 'noise' }).map((p) => p.productId)).toEqual(['prod-001', 'prod-013']);
    expect(filterProducts(PRODUCTS, { search: 'cafè' })).toEqual([]);
    expect(filterProducts(PRODUCTS, { search: '   ' })).toHaveLength(PRODUCTS.length);
  });

  it('narrows by category, and by category and search together', () => {
    const audio = filterProducts(PRODUCTS, { category: 'audio' });
    expect(audio.every((p) => p.categoryId === 'audio')).toBe(true);
    expect(filterProducts(PRODUCTS, { category: 'audio', search: 'noise' }).map((p) => p.productId)).toEqual(['prod-001', 'prod-013']);
    expect(filterProducts(PRODUCTS, { category: 'carry', search: 'noise' })).toEqual([]);
  });
});
