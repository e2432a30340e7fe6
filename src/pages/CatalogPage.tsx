/** The first page: the bundled catalog, searchable as you type and by category, both kept in the URL. */
import { Button, Card, Heading, Image, Text, TextField, VisuallyHidden } from '@aws-amplify/ui-react';
import { useEffect, useState } from 'react';
import { categoryName, formatPrice } from '../../amplify/domain/catalog.ts';
import { EmptyState, PageHeading } from '../components/common.tsx';
import { AddedFeedback } from '../components/Toast.tsx';
import { addWithFeedback } from '../lib/add-to-cart.ts';
import { CATEGORIES, filterProducts, PRODUCTS, type ShopProduct } from '../lib/products.ts';
import { href, rememberCatalog, type CatalogFilters } from '../lib/router.ts';
import { useCartLines } from '../lib/app-state.ts';
import { useProductStock } from '../lib/stock.ts';
import { StockNote } from '../components/StockNote.tsx';

function ProductCard({ product, inCart }: { product: ShopProduct; inCart: number }) {
  const headingId = `product-${product.productId}`;
  const link = href.product(product.productId);
  const { state } = useProductStock(product.productId);
  return (
    <Card as="article" variation="outlined" className="product-card" aria-labelledby={headingId}>
      {/* The picture links too, but only the name is in the tab order and read out. */}
      <a href={link} tabIndex={-1} aria-hidden="true" className="product-image-link">
        <Image src={product.image} alt="" width="160" height="120" className="product-image" />
      </a>
      <Heading level={2} id={headingId} className="product-name">
        <a href={link}>{product.name}</a>
      </Heading>
      <Text className="product-description">{product.description}</Text>
      <StockNote productId={product.productId} />
      <div className="product-footer">
        <Text as="span" className="price" fontWeight="bold">
          {formatPrice(product.price)}
        </Text>
        <Button variation="primary" size="small" onClick={() => addWithFeedback(product)} isDisabled={state === 'out'}>
          Add to cart<VisuallyHidden> {product.name}</VisuallyHidden>
        </Button>
      </div>
      <p className="in-cart">
        <AddedFeedback productId={product.productId} fallback={inCart > 0 ? <a href={href.cart()}>{inCart} in your cart</a> : ' '} />
      </p>
    </Card>
  );
}

function resultsText(count: number, { search, category }: CatalogFilters): string {
  const products = count === 1 ? '1 product' : `${count} products`;
  const where = category ? ` in ${categoryName(category) ?? 'this category'}` : '';
  return search ? `${products}${where} ${count === 1 ? 'matches' : 'match'} “${search}”` : `${products}${where}`;
}

export function CatalogPage({ filters }: { filters: CatalogFilters }) {
  const lines = useCartLines();
  // Typing updates the list at once and the URL in place (no history entry per key).
  const [search, setSearch] = useState(filters.search ?? '');
  useEffect(() => setSearch(filters.search ?? ''), [filters.search]);
  const category = CATEGORIES.some((c) => c.categoryId === filters.category) ? filters.category : undefined;
  const current: CatalogFilters = { search, ...(category ? { category } : {}) };
  useEffect(() => rememberCatalog(href.catalog(current)));

  const onSearch = (value: string) => {
    setSearch(value);
    window.history.replaceState(window.history.state, '', href.catalog({ search: value, ...(category ? { category } : {}) }));
  };
  const shown = filterProducts(PRODUCTS, current);

  return (
    <>
      <PageHeading title="Shop">Desk gear, delivered</PageHeading>
      <Text className="lede">Pick what you need, check out, and follow your order from payment to your door.</Text>
      <div className="finder">
        <form role="search" aria-label="Products" className="search-form" onSubmit={(e) => e.preventDefault()}>
          <TextField
            label="Search products"
            type="search"
            name="q"
            value={search}
            onChange={(e) => onSearch(e.target.value)}
            placeholder="Name or description"
            autoComplete="off"
            enterKeyHint="search"
          />
        </form>
        <nav aria-label="Categories" className="categories">
          <ul>
            <li>
              <a href={href.catalog({ search })} aria-current={!category ? 'page' : undefined} className="chip">
                All
              </a>
            </li>
            {CATEGORIES.map((c) => (
              <li key={c.categoryId}>
                <a href={href.catalog({ search, category: c.categoryId })} aria-current={category === c.categoryId ? 'page' : undefined} className="chip">
                  {c.name}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </div>
      <p role="status" className="results-count" data-testid="results-count">
        {resultsText(shown.length, current)}
      </p>
      {shown.length === 0 ? (
        <EmptyState title="No products match">
          <Text>
            Try fewer or other words, or <a href={href.catalog()}>see every product</a>.
          </Text>
        </EmptyState>
      ) : (
        <div className="product-grid">
          {shown.map((product) => (
            <ProductCard key={product.productId} product={product} inCart={lines.find((l) => l.productId === product.productId)?.quantity ?? 0} />
          ))}
        </div>
      )}
    </>
  );
}
