/**
 * The catalog as the storefront shows it. It is the same module the server prices from, bundled
 * into the first page, so products appear with the first paint instead of after an API call.
 */
import productPictures from 'product-pictures';
import { CATALOG, CATEGORIES, centsToAmount, findProduct, type Product } from '../../amplify/domain/catalog.ts';
import type { CatalogFilters } from './router.ts';

export interface ShopProduct extends Omit<Product, 'priceCents'> {
  /** In dollars, as the order records it. */
  price: number;
}

/**
 * The product pictures, inlined into the bundle as `data:` URLs (a few hundred bytes each, from
 * vite.config.ts `productPictures`): the catalog shows every picture with no request of its own
 * (24 CloudFront requests a visit before). The same files stay in public/products/ for the API's
 * `image` URLs.
 */
const PICTURES: Record<string, string> = Object.fromEntries(
  Object.entries(productPictures).map(([publicPath, svg]) => [publicPath, `data:image/svg+xml,${encodeURIComponent(svg)}`]),
);

const toShopProduct = ({ priceCents, image, ...product }: Product): ShopProduct => ({
  ...product,
  image: PICTURES[image] ?? image,
  price: centsToAmount(priceCents),
});

export const PRODUCTS: readonly ShopProduct[] = CATALOG.map(toShopProduct);

export function shopProduct(productId: string): ShopProduct | undefined {
  const product = findProduct(productId);
  return product ? toShopProduct(product) : undefined;
}

export { CATEGORIES };

/** Lower case without accents, so "cafe" finds "Café". */
const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** Products in the category whose name or description holds every word of the search. */
export function filterProducts(products: readonly ShopProduct[], { search, category }: CatalogFilters): ShopProduct[] {
  const words = fold(search ?? '').split(/\s+/).filter(Boolean);
  return products.filter((p) => {
    if (category && p.categoryId !== category) return false;
    const haystack = fold(`${p.name} ${p.description}`);
    return words.every((w) => haystack.includes(w));
  });
}
